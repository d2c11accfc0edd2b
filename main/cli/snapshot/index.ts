import { Command } from 'commander';
import { ApiError } from '../../api/requests.js';
import type { SnapshotInfo, SnapshotTree } from '../../api/snapshots.js';
import { VM_EXIT_CODES_HELP } from '../exit-codes.js';
import { runAction } from '../command-runner.js';
import { HostClient } from '../host/host-client.js';
import { findVm } from '../vm/vm-commands.js';

/** `kaso snapshot list|take|revert|delete|rename VM [SNAPSHOT]`: the snapshot tree from the command line. */
export function snapshotCommand(): Command {
  const cmd = new Command('snapshot').description('take, revert to, delete and rename snapshots of a VM (a tree of differencing disks)');
  const subs = [listCommand(), takeCommand(), revertCommand(), deleteCommand(), renameCommand()];
  for (const s of subs) cmd.addCommand(s.option('--json', 'print as JSON').addHelpText('after', VM_EXIT_CODES_HELP));
  cmd.addHelpText('after', '\nA SNAPSHOT is named by its name or its id. The commands act on the running host, as `kaso vm` does.');
  return cmd;
}

function listCommand(): Command {
  return new Command('list')
    .description('print the snapshot tree: a header line, then one snapshot a line, indented under its parent')
    .argument('<vm>', 'VM name or id')
    .action(
      runAction(async (ctx, vmName: string) => {
        const { client, id } = await connect(vmName);
        const tree = await client.call('snapshot.list', { id });
        ctx.print(tree, () => treeLines(tree));
      }),
    );
}

function takeCommand(): Command {
  return new Command('take')
    .description('take a snapshot of every disk of the VM (and its memory, when it runs)')
    .argument('<vm>', 'VM name or id')
    .argument('[name]', 'the snapshot\'s name (default: from the time)')
    .option('--description <text>', 'a description')
    .action(
      runAction(async (ctx, vmName: string, name: string | undefined, o: { description?: string }) => {
        const { client, id } = await connect(vmName);
        const s = await client.call('snapshot.take', { id, ...(name ? { name } : {}), ...(o.description ? { description: o.description } : {}) });
        const paused = s.pausedMs === null ? '' : `; the guest paused ${s.pausedMs} ms`;
        ctx.print(s, () => [`Took snapshot "${s.name}"${s.hasState ? ' with the machine\'s memory' : ''} (${s.id})${paused}`]);
      }),
    );
}

function revertCommand(): Command {
  return new Command('revert')
    .description('go back to a snapshot; the present state is kept as a branch unless --discard')
    .argument('<vm>', 'VM name or id')
    .argument('<snapshot>', 'snapshot name or id')
    .option('--discard', 'discard the present state instead of keeping it as a branch')
    .action(
      runAction(async (ctx, vmName: string, snapshot: string, o: { discard?: boolean }) => {
        const { client, id } = await connect(vmName);
        const s = await findSnapshot(client, id, snapshot);
        const tree = await client.call('snapshot.revert', { id, snapshotId: s.id, discardCurrent: o.discard === true });
        ctx.print(tree, () => [`Reverted to "${s.name}"${s.hasState ? '; the VM resumes from its memory' : ''}`]);
      }),
    );
}

function deleteCommand(): Command {
  return new Command('delete')
    .description('delete a snapshot: its disk is merged into what depends on it (nothing else is lost)')
    .argument('<vm>', 'VM name or id')
    .argument('<snapshot>', 'snapshot name or id')
    .action(
      runAction(async (ctx, vmName: string, snapshot: string) => {
        const { client, id } = await connect(vmName);
        const s = await findSnapshot(client, id, snapshot);
        const tree = await client.call('snapshot.delete', { id, snapshotId: s.id });
        ctx.print(tree, () => [`Deleted snapshot "${s.name}"`]);
      }),
    );
}

function renameCommand(): Command {
  return new Command('rename')
    .description('rename a snapshot (and change its description)')
    .argument('<vm>', 'VM name or id')
    .argument('<snapshot>', 'snapshot name or id')
    .argument('<new-name>', 'the new name')
    .option('--description <text>', 'a new description')
    .action(
      runAction(async (ctx, vmName: string, snapshot: string, newName: string, o: { description?: string }) => {
        const { client, id } = await connect(vmName);
        const s = await findSnapshot(client, id, snapshot);
        const r = await client.call('snapshot.rename', { id, snapshotId: s.id, name: newName, ...(o.description !== undefined ? { description: o.description } : {}) });
        ctx.print(r, () => [`Renamed "${s.name}" to "${r.name}"`]);
      }),
    );
}

async function connect(vmName: string): Promise<{ client: HostClient; id: string }> {
  const client = await HostClient.connect();
  return { client, id: (await findVm(client, vmName)).id };
}

async function findSnapshot(client: HostClient, id: string, nameOrId: string): Promise<SnapshotInfo> {
  const { snapshots } = await client.call('snapshot.list', { id });
  const hits = snapshots.filter((s) => s.id === nameOrId || s.name === nameOrId);
  if (hits.length === 1) return hits[0]!;
  if (hits.length > 1) throw new ApiError('INVALID_INPUT', `${hits.length} snapshots are named "${nameOrId}": name one by its id (see \`kaso snapshot list\`)`);
  throw new ApiError('NOT_FOUND', `no snapshot named "${nameOrId}" (see \`kaso snapshot list\`)`);
}

/** The tree as indented lines, "Now" marked where the present state grows from. */
export function treeLines(tree: SnapshotTree): string[] {
  const lines = ['SNAPSHOT                                   TAKEN                 MEMORY  ID'];
  const walk = (parent: string | null, depth: number) => {
    for (const s of tree.snapshots.filter((x) => x.parentId === parent)) {
      const label = `${'  '.repeat(depth)}${s.name}`;
      lines.push(`${label.padEnd(42)} ${s.created.slice(0, 19).replace('T', ' ')}   ${s.hasState ? 'yes' : 'no '}     ${s.id}`);
      walk(s.id, depth + 1);
      if (tree.current === s.id) lines.push(`${'  '.repeat(depth + 1)}> Now`);
    }
  };
  walk(null, 0);
  if (tree.current === null) lines.push('> Now');
  return lines;
}
