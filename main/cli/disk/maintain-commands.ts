import { Command } from 'commander';
import { compactDisk, expandDisk, formatBytes, mergeDisk, reparentDisk } from '../../disk/index.js';
import { runAction } from '../command-runner.js';
import { parseSize } from '../size.js';

export function compactCommand(): Command {
  return new Command('compact')
    .description('shrink a dynamic or differencing disk in place: release empty blocks and close the gaps')
    .argument('<file>', 'the disk (no virtual machine may be using it)')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nInterrupting a compact loses nothing: the disk stays valid and reads the same.')
    .action(
      runAction(async (ctx, file: string) => {
        const bar = ctx.progress('Compacting', 'blocks');
        const r = await compactDisk(file, { signal: ctx.signal, onProgress: bar.update });
        bar.stop();
        ctx.print(r, () => [
          `Compacted ${r.path}: ${formatBytes(r.oldFileSize)} -> ${formatBytes(r.fileSize)} (${r.blocksFreed} empty blocks released, ${r.blocksMoved} moved)`,
        ]);
      }),
    );
}

export function mergeCommand(): Command {
  return new Command('merge')
    .description('commit a differencing disk into its parent, then delete it')
    .argument('<child>', 'the differencing disk')
    .option('--keep-child', 'keep the child file after merging')
    .option('--search <folders...>', 'more folders to search for other children of the parent')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      `
Refused when other differencing disks (in the parent's folder, the child's folder, or --search folders)
depend on the parent. An interrupted merge loses nothing: run it again to finish.`,
    )
    .action(
      runAction(async (ctx, child: string, o: { keepChild?: boolean; search?: string[] }) => {
        const bar = ctx.progress('Merging', 'blocks');
        const r = await mergeDisk(child, { keepChild: o.keepChild, searchFolders: o.search, signal: ctx.signal, onProgress: bar.update });
        bar.stop();
        ctx.print(r, () => [`Merged ${formatBytes(r.mergedBytes)} into ${r.parent}${r.childDeleted ? `; deleted ${child}` : ''}`]);
      }),
    );
}

export function expandCommand(): Command {
  return new Command('expand')
    .description('grow a disk to a larger virtual size (the guest must then grow its partition)')
    .argument('<file>', 'the disk')
    .requiredOption('--size <size>', 'the new virtual size: bytes, or with K, M, G or T')
    .option('--json', 'print the result as JSON')
    .action(
      runAction(async (ctx, file: string, o: { size: string }) => {
        const r = await expandDisk(file, parseSize(o.size));
        ctx.print(r, () => [`Expanded ${r.path}: ${formatBytes(r.oldSize)} -> ${formatBytes(r.virtualSize)} (${r.virtualSize} bytes)`]);
      }),
    );
}

export function reparentCommand(): Command {
  return new Command('reparent')
    .description("point a differencing disk at its parent's new location (the unique id must match)")
    .argument('<child>', 'the differencing disk')
    .argument('<parent>', 'the parent at its new path')
    .option('--json', 'print the result as JSON')
    .action(
      runAction(async (ctx, child: string, parent: string) => {
        const r = await reparentDisk(child, parent);
        ctx.print(r, () => [`${r.child} now points at ${r.parent}`]);
      }),
    );
}
