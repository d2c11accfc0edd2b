import { Command, Option } from 'commander';
import { DiskError, createDifferencing, createDynamic, createFixed, createLinked, formatBytes } from '../../disk/index.js';
import { runAction } from '../command-runner.js';
import { parseSize } from '../size.js';

interface CreateOptions {
  type: 'fixed' | 'dynamic' | 'differencing' | 'linked';
  size?: string;
  parent?: string;
  blockSize?: string;
  target?: string;
  preallocate?: boolean;
  json?: boolean;
}

export function createCommand(): Command {
  return new Command('create')
    .description('create a virtual hard disk')
    .argument('<file>', 'the new disk file (it must not exist)')
    .addOption(new Option('--type <type>', 'kind of disk').choices(['fixed', 'dynamic', 'differencing', 'linked']).default('dynamic'))
    .option('--size <size>', 'virtual size: bytes, or with K, M, G or T (fixed and dynamic)')
    .option('--parent <file>', 'the parent disk (differencing)')
    .option('--block-size <size>', 'block size of a dynamic or differencing disk (default 2M)')
    .option('--target <path>', 'the physical drive or raw image to use in place (linked)')
    .option('--preallocate', 'write every byte of a fixed disk now (slower; reserves the space)')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Sizes are rounded up to the next size a CHS geometry describes exactly, so that Virtual PC, Hyper-V,
QEMU and libvhdi all see the same disk (qemu-img does the same).

Examples:
  kaso disk create base.vhd --size 20G
  kaso disk create child.vhd --type differencing --parent base.vhd
  kaso disk create data.vhd --type fixed --size 512M
  kaso disk create drive.vhdlink --type linked --target /dev/sdb`,
    )
    .action(
      runAction(async (ctx, file: string, o: CreateOptions) => {
        const blockSize = o.blockSize ? parseSize(o.blockSize) : undefined;
        const needs = (what: string, value: unknown) => {
          if (value === undefined) throw new DiskError('INVALID_ARGUMENT', file, `--type ${o.type} needs ${what}`);
        };
        let result;
        if (o.type === 'differencing') {
          needs('--parent FILE', o.parent);
          result = await createDifferencing(file, o.parent!, blockSize);
        } else if (o.type === 'linked') {
          needs('--target PATH', o.target);
          result = await createLinked(file, o.target!);
        } else {
          needs('--size N', o.size);
          const size = parseSize(o.size!);
          if (o.type === 'fixed') {
            const bar = ctx.progress('Writing', 'bytes');
            result = await createFixed(file, size, { preallocate: o.preallocate, signal: ctx.signal, onProgress: bar.update });
          } else result = await createDynamic(file, size, blockSize);
        }
        ctx.print({ ...result, type: o.type }, () => [`Created ${o.type} disk ${result.path} (${formatBytes(result.virtualSize)}, ${result.virtualSize} bytes)`]);
      }),
    );
}
