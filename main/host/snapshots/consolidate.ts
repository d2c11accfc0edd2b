import type { SnapshotJob, SnapshotRecord, Snapshots } from '../../api/snapshots.js';
import type { IdeSlot } from '../../api/vm-settings.js';
import { findDependents, mergeDisk, reparentDisk, uniqueIdOf } from '../../disk/index.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';
import { abandon, begin, commit, finish, type AfterStep } from './journal.js';

/**
 * Removes deleted (hidden) snapshots whose disks nothing needs apart from one child, for every disk slot:
 * the child's changes are committed into the snapshot's disk (the chain reads the same throughout), the
 * child's own children are pointed at it, the VM's file is switched over, and the child goes. A node
 * whose disk two branches share stays hidden. A disk with no child left is deleted if it is Kaso's own.
 * Runs only while the VM is not running: its engine holds the leaf disks open.
 */
export async function consolidate(library: VmLibrary, id: string, progress: (job: SnapshotJob) => void, signal?: AbortSignal): Promise<void> {
  for (;;) {
    const record = library.get(id);
    const snapshots = record.file.snapshots;
    if (!snapshots) return;
    let progressed = false;
    for (const node of snapshots.items.filter((s) => s.hidden)) {
      const plan = await planFor(library, record, node);
      if (!plan) continue;
      await apply(library, record, snapshots, node, plan, signal, (done, total) =>
        progress({ operation: 'merge', snapshotId: node.id, snapshotName: node.name, done, total }),
      );
      progressed = true;
      break; // the record changed: plan again from the new one
    }
    if (!progressed) return;
  }
}

/** For each slot: the one child to fold in, or none when the disk has no child at all. */
type Plan = { slot: IdeSlot; disk: string; child: string | null }[];

async function planFor(library: VmLibrary, record: VmRecord, node: SnapshotRecord): Promise<Plan | null> {
  const folders = library.diskFolders();
  const plan: Plan = [];
  for (const d of node.disks) {
    const disk = library.resolve(record, d.path);
    const id = await uniqueIdOf(disk);
    if (!id) return null;
    const children = await findDependents(disk, id, folders);
    if (children.length > 1) return null; // two branches need it as it is
    plan.push({ slot: d.slot, disk, child: children[0] ?? null });
  }
  return plan;
}

async function apply(
  library: VmLibrary,
  record: VmRecord,
  snapshots: Snapshots,
  node: SnapshotRecord,
  plan: Plan,
  signal: AbortSignal | undefined,
  onProgress: (done: number, total: number) => void,
): Promise<void> {
  const owned = new Set(snapshots.owned.map((p) => library.resolve(record, p)));
  const ours = (f: string) => owned.has(f);
  const after: AfterStep[] = [];
  for (const p of plan) {
    if (p.child && ours(p.child)) after.push({ kind: 'delete', file: p.child });
    if (!p.child && ours(p.disk)) after.push({ kind: 'delete', file: p.disk });
  }
  const tx = await begin(record, 'merge', [], after);
  // Before the commit, only steps that leave every chain reading the same: safe to repeat after a crash,
  // and to stop (a cancelled merge leaves the snapshot hidden, to be merged another time).
  const folders = library.diskFolders();
  try {
    for (const p of plan) {
      if (!p.child) continue;
      await mergeDisk(p.child, { keepChild: true, searchFolders: folders, onProgress, ...(signal ? { signal } : {}) });
      const id = (await uniqueIdOf(p.child))!;
      for (const grandchild of await findDependents(p.child, id, folders)) await reparentDisk(grandchild, p.disk, { rebase: true });
    }
  } catch (e) {
    await abandon(record, tx);
    throw e;
  }
  const replaced = new Map(plan.filter((p) => p.child).map((p) => [p.child!, p.disk]));
  const swap = (rel: string) => {
    const to = replaced.get(library.resolve(record, rel));
    return to ? library.relative(record, to) : rel;
  };
  const items = snapshots.items
    .filter((s) => s.id !== node.id)
    .map((s) => ({ ...s, parentId: s.parentId === node.id ? node.parentId : s.parentId, disks: s.disks.map((d) => ({ ...d, path: swap(d.path) })) }));
  const ide = { ...record.file.settings.ide };
  for (const [slot, d] of Object.entries(ide) as [IdeSlot, (typeof ide)[IdeSlot]][]) if (d?.kind === 'disk' && d.path) ide[slot] = { ...d, path: swap(d.path) };
  const current = snapshots.current === node.id ? node.parentId : snapshots.current;
  const gone = new Set(after.map((a) => (a.kind === 'delete' ? a.file : '')));
  const stillOwned = snapshots.owned.filter((p) => !gone.has(library.resolve(record, p)));
  await commit(library, record, tx, { ...record.file, settings: { ...record.file.settings, ide }, snapshots: { current, items, owned: stillOwned } });
  await finish(record, tx);
}
