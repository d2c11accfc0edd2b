import { Command } from 'commander';
import { diskInfo, formatInfo } from '../../disk/index.js';
import { runAction } from '../command-runner.js';

export function infoCommand(): Command {
  return new Command('info')
    .description('show what a disk is: type, sizes, unique id, creator, geometry, parent chain')
    .argument('<file>', 'a VHD, a linked-disk placeholder, or a raw device')
    .option('--json', 'print as JSON (parents listed nearest first)')
    .action(
      runAction(async (ctx, file: string) => {
        const info = await diskInfo(file);
        ctx.print(info, () => formatInfo(info));
      }),
    );
}
