import { Command, Option } from 'commander';
import { convertDisk, formatBytes, type OutputType } from '../../disk/index.js';
import { runAction } from '../command-runner.js';
import { parseSize } from '../size.js';

export function convertCommand(): Command {
  return new Command('convert')
    .description('copy a disk into a new file of another type (a chain is flattened into one standalone disk)')
    .argument('<in>', 'a raw image, a VHD of any kind, or the top of a differencing chain')
    .argument('<out>', 'the new file (it must not exist)')
    .addOption(new Option('--type <type>', 'output type (default: dynamic for .vhd, else raw)').choices(['raw', 'fixed', 'dynamic']))
    .option('--block-size <size>', 'block size of a dynamic output (default 2M)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nAll-zero space is not written: holes in raw and fixed outputs, unallocated blocks in dynamic ones.')
    .action(
      runAction(async (ctx, input: string, output: string, o: { type?: OutputType; blockSize?: string }) => {
        const type = o.type ?? (/\.vhd$/i.test(output) ? 'dynamic' : 'raw');
        const bar = ctx.progress('Converting', 'bytes');
        const result = await convertDisk(input, output, {
          type,
          blockSize: o.blockSize ? parseSize(o.blockSize) : undefined,
          signal: ctx.signal,
          onProgress: bar.update,
        });
        bar.stop();
        ctx.print(result, () => [
          `Converted ${input} to ${type} ${result.path} (${formatBytes(result.virtualSize)}; ${formatBytes(result.dataBytes)} of data)`,
        ]);
      }),
    );
}
