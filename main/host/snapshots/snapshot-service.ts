import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../api/requests.js';
import type { SnapshotInfo, SnapshotRecord, Snapshots, SnapshotTree } from '../../api/snapshots.js';
import type { IdeSlot, VmSettings } from '../../api/vm-settings.js';
import type { VmState } from '../../api/vm-state.js';
import { createDifferencing, diskInfo, syncFile } from '../../disk/index.js';
import type { Job } from '../jobs.js';
import { ensureAllowed } from '../lifecycle.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';
import type { VmProcess } from '../vm-process.js';
import { consolidate } from './consolidate.js';
import { abandon, begin, commit, finish, recover, type AfterStep } from './journal.js';
import { NO_SNAPSHOTS, defaultName, findSnapshot, toInfo, treeOf } from './tree.js';

/** What the snapshot code needs of the host service. */
export interface SnapshotHost {
  readonly library: VmLibrary;
  stateOf(id: string): VmState;
  engineOf(id: string): VmProcess | null;
  thumbnailOf(id: string): Uint8Array | null;
  saveVm(id: string): Promise<void>;
  turnOffVm(id: string): Promise<void>;
  startVm(id: string): Promise<void>;
  /** The VM's files changed (a saved state appeared or went): recompute its state and tell clients. */
  vmChanged(id: string): void;
  treeChanged(tree: SnapshotTree): void;
  startJob(vmId: string, operation: 'merge', label: string): Job;
}

type DiskSlot = { slot: IdeSlot; path: string };

/**
 * Take, revert, delete and rename snapshots. Every operation is one journaled transaction (journal.ts):
 * new files first, then one atomic write of the VM's file, then the clean-up. One operation per VM at a time.
 */
export class SnapshotService {
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly jobs = new Map<string, SnapshotTree['job']>();

  constructor(private readonly host: SnapshotHost) {}

  /** Finishes or undoes operations a crash interrupted (before the host looks at the VMs' files). */
  async recoverAll(log: (m: string) => void): Promise<void> {
    for (const record of this.host.library.list()) {
      const done = await recover(record);
      if (done) log(`${record.file.settings.name}: ${done}`);
    }
  }

  /** Merges what deleted snapshots left behind, for every VM (in the background). */
  consolidateAll(): void {
    for (const record of this.host.library.list()) this.afterStop(record.id);
  }

  /** Whether an operation runs on the VM now (it must not start meanwhile). */
  busy(id: string): boolean {
    return this.queues.has(id);
  }

  tree(id: string): SnapshotTree {
    return treeOf(id, this.snapshotsOf(this.host.library.get(id)), this.jobs.get(id) ?? null);
  }

  take(id: string, name?: string, description = ''): Promise<SnapshotInfo & { pausedMs: number | null }> {
    return this.exclusive(id, () => this.takeNow(id, name ?? defaultName(new Date()), description));
  }

  revert(id: string, snapshotId: string, discardCurrent: boolean): Promise<SnapshotTree> {
    return this.exclusive(id, () => this.revertNow(id, snapshotId, discardCurrent));
  }

  delete(id: string, snapshotId: string): Promise<SnapshotTree> {
    return this.exclusive(id, async () => {
      const record = this.host.library.get(id);
      ensureAllowed('deleteSnapshot', this.host.stateOf(id), record.file.settings.name);
      const snapshots = this.snapshotsOf(record);
      const target = this.find(snapshots, snapshotId);
      // Hidden at once (its state and picture go); its disk is merged away when nothing stands in the way.
      const files = this.snapshotFiles(record, target);
      const items = snapshots.items.map((s) => (s.id === snapshotId ? { ...s, hidden: true, stateFile: null, thumbnailFile: null } : s));
      const tx = await begin(record, 'delete', [], files.map((file) => ({ kind: 'delete', file }) as AfterStep));
      await commit(this.host.library, record, tx, { ...record.file, snapshots: { ...snapshots, items } });
      await finish(record, tx);
      this.announce(id);
      // The request ends when the merge does (clients see its progress meanwhile). A merge that is cancelled
      // or fails leaves the snapshot hidden, to be merged at the VM's next stop.
      await this.consolidateNow(id).catch(() => undefined);
      return this.tree(id);
    });
  }

  rename(id: string, snapshotId: string, name: string, description?: string): Promise<SnapshotInfo> {
    return this.exclusive(id, async () => {
      const record = this.host.library.get(id);
      const snapshots = this.snapshotsOf(record);
      this.find(snapshots, snapshotId);
      const items = snapshots.items.map((s) => (s.id === snapshotId ? { ...s, name, description: description ?? s.description } : s));
      const next = await this.host.library.commit(id, { ...record.file, snapshots: { ...snapshots, items } });
      this.announce(id);
      return toInfo(items, this.find(this.snapshotsOf(next), snapshotId));
    });
  }

  async thumbnail(id: string, snapshotId: string): Promise<{ png: string | null }> {
    const record = this.host.library.get(id);
    const s = this.find(this.snapshotsOf(record), snapshotId);
    if (!s.thumbnailFile) return { png: null };
    const png = await fs.readFile(path.join(this.host.library.snapshotFolder(record), s.thumbnailFile)).catch(() => null);
    return { png: png ? png.toString('base64') : null };
  }

  /** Merges away deleted snapshots' disks once the VM no longer runs (in the background, with progress). */
  afterStop(id: string): void {
    const record = this.host.library.get(id);
    if (!this.snapshotsOf(record).items.some((s) => s.hidden)) return;
    void this.exclusive(id, () => this.consolidateNow(id)).catch(() => undefined); // a failed merge is tried again later
  }

  /** Merges what deleted snapshots left, if the VM is not running (its engine holds the leaf disks). */
  private async consolidateNow(id: string): Promise<void> {
    if (!['off', 'saved', 'crashed'].includes(this.host.stateOf(id))) return;
    const job = this.host.startJob(id, 'merge', `Merging deleted snapshots of "${this.host.library.get(id).file.settings.name}"`);
    try {
      await job.run(
        consolidate(
          this.host.library,
          id,
          (progress) => {
            this.jobs.set(id, progress);
            job.progress(progress.done, progress.total);
            this.announce(id);
          },
          job.signal,
        ),
      );
    } finally {
      this.jobs.delete(id);
      this.announce(id);
    }
  }

  private async takeNow(id: string, name: string, description: string): Promise<SnapshotInfo & { pausedMs: number | null }> {
    const record = this.host.library.get(id);
    const state = this.host.stateOf(id);
    ensureAllowed('takeSnapshot', state, record.file.settings.name);
    const { disks } = await this.snapshotDisks(record);
    const snapshotId = randomUUID();
    const folder = this.host.library.snapshotFolder(record);
    await fs.mkdir(folder, { recursive: true });
    const engine = state === 'running' || state === 'paused' ? this.host.engineOf(id) : null;
    const vmState = this.host.library.statePath(record);
    const stateFile = engine || (state === 'saved' && existsSync(vmState)) ? `${snapshotId}.kaso-state` : null;
    const thumbnail = this.host.thumbnailOf(id);
    const thumbnailFile = thumbnail ? `${snapshotId}.png` : null;
    const children = disks.map((d) => ({ slot: d.slot, path: this.childPath(record, d.path, snapshotId) }));
    const created = [...children.map((c) => c.path), ...[stateFile, thumbnailFile].filter((f) => f !== null).map((f) => path.join(folder, f))];
    const tx = await begin(record, 'take', created, []);
    let resumeOnFailure = false;
    let pausedAt = 0;
    try {
      // The children first: they need only the frozen disks' identities, so the guest runs meanwhile.
      for (const [i, c] of children.entries()) await createDifferencing(c.path, this.host.library.resolve(record, disks[i]!.path));
      if (engine) {
        pausedAt = performance.now();
        const cp = await engine.request({ kind: 'checkpoint', stateFile: stateFile && path.join(folder, stateFile) }, 300_000);
        resumeOnFailure = cp.kind === 'checkpoint' && cp.wasRunning;
      } else if (stateFile) await linkOrCopy(vmState, path.join(folder, stateFile));
      if (thumbnail && thumbnailFile) await fs.writeFile(path.join(folder, thumbnailFile), thumbnail);
      const snapshots = this.snapshotsOf(record);
      const node: SnapshotRecord = {
        id: snapshotId,
        name,
        description,
        created: new Date().toISOString(),
        parentId: snapshots.current,
        hidden: false,
        disks,
        stateFile,
        thumbnailFile,
      };
      await commit(this.host.library, record, tx, {
        ...record.file,
        settings: this.withDisks(record, children),
        snapshots: { current: snapshotId, items: [...snapshots.items, node], owned: [...snapshots.owned, ...this.named(record, children)] },
      });
    } catch (e) {
      if (resumeOnFailure) engine!.send({ t: 'resume' });
      await abandon(record, tx);
      throw e instanceof ApiError ? e : new ApiError('FAILED', `could not take a snapshot of "${record.file.settings.name}": ${(e as Error).message}`);
    }
    if (engine) await this.switchEngine(id, engine, children, resumeOnFailure);
    const pausedMs = engine ? Math.round(performance.now() - pausedAt) : null;
    if (engine && stateFile) await syncFile(path.join(folder, stateFile)); // what the engine left to the page cache
    await finish(record, tx);
    this.announce(id);
    const items = this.snapshotsOf(this.host.library.get(id)).items;
    return { ...toInfo(items, items.find((s) => s.id === snapshotId)!), pausedMs };
  }

  /** After the commit the old disks are frozen: an engine that cannot move to the new ones must stop. */
  private async switchEngine(id: string, engine: VmProcess, children: DiskSlot[], resume: boolean): Promise<void> {
    try {
      await engine.request({ kind: 'switch-disks', disks: children, resume }, 60_000);
    } catch (e) {
      engine.kill(`it could not move to the snapshot's new disks: ${(e as Error).message}`);
    }
  }

  private async revertNow(id: string, snapshotId: string, discardCurrent: boolean): Promise<SnapshotTree> {
    let record = this.host.library.get(id);
    const state = this.host.stateOf(id);
    ensureAllowed('revertSnapshot', state, record.file.settings.name);
    const target = this.find(this.snapshotsOf(record), snapshotId);
    const wasRunning = state === 'running' || state === 'paused';
    if (wasRunning) await (discardCurrent ? this.host.turnOffVm(id) : this.host.saveVm(id));
    record = this.host.library.get(id);
    const snapshots = this.snapshotsOf(record);
    const folder = this.host.library.snapshotFolder(record);
    const vmState = this.host.library.statePath(record);
    const { disks: leaves, pristine } = await this.snapshotDisks(record);
    const hasVmState = existsSync(vmState);
    const keep = !discardCurrent && (hasVmState || !pristine);
    const branchId = randomUUID();
    const branchState = keep && hasVmState ? `${branchId}.kaso-state` : null;
    const thumbnail = keep ? this.host.thumbnailOf(id) : null;
    const branchThumb = thumbnail ? `${branchId}.png` : null;
    const children = target.disks.map((d) => ({ slot: d.slot, path: this.childPath(record, d.path, randomUUID()) }));
    const after: AfterStep[] = target.stateFile
      ? [{ kind: 'install', from: path.join(folder, target.stateFile), to: vmState }]
      : [{ kind: 'delete', file: vmState }];
    const dropped = keep ? [] : leaves.filter((d) => snapshots.owned.includes(d.path) && !this.referenced(snapshots, d.path)).map((d) => d.path);
    for (const p of dropped) after.push({ kind: 'delete', file: this.host.library.resolve(record, p) });
    const created = [...children.map((c) => c.path), ...[branchState, branchThumb].filter((f) => f !== null).map((f) => path.join(folder, f))];
    const tx = await begin(record, 'revert', created, after);
    try {
      await fs.mkdir(folder, { recursive: true });
      if (branchState) await linkOrCopy(vmState, path.join(folder, branchState));
      if (thumbnail && branchThumb) await fs.writeFile(path.join(folder, branchThumb), thumbnail);
      for (const c of children) {
        const parent = target.disks.find((d) => d.slot === c.slot)!;
        await createDifferencing(c.path, this.host.library.resolve(record, parent.path));
      }
      const branch: SnapshotRecord[] = keep
        ? [{ id: branchId, name: `Before reverting to "${target.name}"`, description: '', created: new Date().toISOString(), parentId: snapshots.current, hidden: false, disks: leaves, stateFile: branchState, thumbnailFile: branchThumb }]
        : [];
      await commit(this.host.library, record, tx, {
        ...record.file,
        settings: this.withDisks(record, children),
        snapshots: {
          current: target.id,
          items: [...snapshots.items, ...branch],
          owned: [...snapshots.owned.filter((p) => !dropped.includes(p)), ...this.named(record, children)],
        },
      });
    } catch (e) {
      await abandon(record, tx);
      this.host.vmChanged(id);
      throw e instanceof ApiError ? e : new ApiError('FAILED', `could not revert "${record.file.settings.name}": ${(e as Error).message}`);
    }
    await finish(record, tx);
    this.host.vmChanged(id);
    this.announce(id);
    if (wasRunning && target.stateFile) await this.host.startVm(id); // the guest goes on from the snapshot's moment
    return this.tree(id);
  }

  /**
   * The VM's hard disks, refusing what cannot have differencing children; `pristine` says whether all of
   * them are differencing disks holding no data yet (a branch of them would hold nothing).
   */
  private async snapshotDisks(record: VmRecord): Promise<{ disks: DiskSlot[]; pristine: boolean }> {
    if (record.file.undo)
      throw new ApiError('CONFLICT', `"${record.file.settings.name}" has undo disks with changes: commit or discard them first (its snapshots are of its own disks)`);
    const disks = this.host.library.diskSlots(record);
    let pristine = true;
    for (const d of disks) {
      const info = await diskInfo(this.host.library.resolve(record, d.path));
      if (info.type === 'linked' || info.type === 'raw')
        throw new ApiError('CONFLICT', `the disk ${d.path} is ${info.type === 'linked' ? 'linked to a drive' : 'a raw image'}: snapshots need VHD disks`);
      if (info.type !== 'differencing' || (info.allocatedSize ?? 1) > 0) pristine = false;
    }
    return { disks, pristine };
  }

  private withDisks(record: VmRecord, disks: DiskSlot[]): VmSettings {
    const ide = { ...record.file.settings.ide };
    for (const d of disks) ide[d.slot] = { kind: 'disk', path: this.host.library.relative(record, d.path) };
    return { ...record.file.settings, ide };
  }

  private snapshotFiles(record: VmRecord, s: SnapshotRecord): string[] {
    const folder = this.host.library.snapshotFolder(record);
    return [s.stateFile, s.thumbnailFile].filter((f) => f !== null).map((f) => path.join(folder, f));
  }

  /**
   * A new child goes beside the VM's own disks (in its folder), not in a subfolder: tools that find a parent
   * by its name in the child's folder (libvhdi, some Virtual PC versions) then follow the whole chain.
   */
  private childPath(record: VmRecord, parent: string, id: string): string {
    return path.join(record.folder, childName(parent, id));
  }

  /** Paths as the settings and the snapshot records keep them. */
  private named(record: VmRecord, disks: DiskSlot[]): string[] {
    return disks.map((d) => this.host.library.relative(record, d.path));
  }

  private referenced(snapshots: Snapshots, p: string): boolean {
    return snapshots.items.some((s) => s.disks.some((d) => d.path === p));
  }

  private snapshotsOf(record: VmRecord): Snapshots {
    return record.file.snapshots ?? NO_SNAPSHOTS;
  }

  private find(snapshots: Snapshots, snapshotId: string): SnapshotRecord {
    const s = findSnapshot(snapshots, snapshotId);
    if (!s) throw new ApiError('NOT_FOUND', `no snapshot with id ${snapshotId}`);
    return s;
  }

  private announce(id: string): void {
    this.host.treeChanged(this.tree(id));
  }

  private exclusive<T>(id: string, work: () => Promise<T>): Promise<T> {
    const before = this.queues.get(id) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(work);
    const tail = run.catch(() => undefined);
    this.queues.set(id, tail);
    void tail.then(() => {
      if (this.queues.get(id) === tail) this.queues.delete(id);
    });
    return run;
  }
}

/** "Disk_1a2b3c4d.vhd" from "Disk.vhd" or from "Disk_99aa88bb.vhd": the base name stays readable. */
function childName(parent: string, id: string): string {
  const stem = path.basename(parent, path.extname(parent)).replace(/_[0-9a-f]{8}$/, '');
  return `${stem}_${id.slice(0, 8)}.vhd`;
}

async function linkOrCopy(from: string, to: string): Promise<void> {
  await fs.link(from, to).catch(() => fs.copyFile(from, to));
}
