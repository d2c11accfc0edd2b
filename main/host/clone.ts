import path from 'node:path';
import { ApiError } from '../api/requests.js';
import { randomMac } from '../api/networks.js';
import type { IdeSlot, VmSettings } from '../api/vm-settings.js';
import { convertDisk, createDifferencing } from '../disk/index.js';
import type { SnapshotService } from './snapshots/snapshot-service.js';
import type { VmLibrary, VmRecord } from './vm-library.js';

export type CloneMode = 'linked' | 'full';

/**
 * A new VM with the source's settings and its own disks:
 * - linked: the source's present state is frozen by a snapshot ("Linked clone ..."), and the clone gets new
 *   differencing children of those disks in its own folder (fast, small; the source's snapshot must stay);
 * - full: every disk chain flattened into a standalone dynamic VHD (new unique ids; the source is untouched).
 * COM ports bound to a file or socket are not carried over: two VMs cannot share them.
 */
export async function cloneVm(
  library: VmLibrary,
  snapshots: SnapshotService,
  sourceId: string,
  name: string,
  mode: CloneMode,
  job?: { signal: AbortSignal; progress(done: number, total: number): void },
): Promise<VmRecord> {
  const source = library.get(sourceId);
  const disks = library.diskSlots(source);
  let parents: { slot: IdeSlot; path: string }[];
  if (mode === 'linked') {
    if (disks.length === 0) throw new ApiError('CONFLICT', `"${source.file.settings.name}" has no hard disk: make a full clone instead`);
    const s = await snapshots.take(sourceId, `Linked clone "${name}"`, `The disks the linked clone "${name}" grows from.`);
    parents = s.disks.map((d) => ({ slot: d.slot, path: library.resolve(source, d.path) }));
  } else parents = disks.map((d) => ({ slot: d.slot, path: library.resolve(source, d.path) }));

  const settings = cloneSettings(library, source, name);
  const clone = await library.create(settings);
  try {
    const ide = { ...clone.file.settings.ide };
    for (const [i, p] of parents.entries()) {
      const file = path.join(clone.folder, diskName(name, p.slot));
      if (mode === 'linked') await createDifferencing(file, p.path);
      else
        await convertDisk(p.path, file, {
          type: 'dynamic',
          ...(job ? { signal: job.signal } : {}),
          onProgress: (done, total) => job?.progress(i * total + done, parents.length * total),
        });
      ide[p.slot] = { kind: 'disk', path: path.basename(file) };
    }
    return await library.update(clone.id, { ide });
  } catch (e) {
    await library.remove(clone.id, false).catch(() => undefined);
    if (job?.signal.aborted) throw new ApiError('FAILED', `the clone of "${source.file.settings.name}" was cancelled; nothing of it is left`);
    throw e instanceof ApiError ? e : new ApiError('FAILED', `could not clone "${source.file.settings.name}": ${(e as Error).message}`);
  }
}

/**
 * The source's settings for a VM of another name: no hard disks yet, no shared endpoints, new MAC addresses
 * on the same networks (two NICs with one address would fight on the wire), and every other file (CD image,
 * floppy, kernel) named by its full path, since the clone lives in another folder.
 */
function cloneSettings(library: VmLibrary, source: VmRecord, name: string): VmSettings {
  const s = source.file.settings;
  const full = (p: string) => library.resolve(source, p);
  const ide = { ...s.ide };
  for (const slot of Object.keys(ide) as IdeSlot[]) {
    const d = ide[slot];
    if (d?.kind === 'disk') ide[slot] = null;
    else if (d?.kind === 'cdrom' && d.path) ide[slot] = { ...d, path: full(d.path) };
  }
  const com = s.com.map((c) => (c.mode === 'socket' || c.mode === 'file' ? { mode: 'none' as const } : c)) as VmSettings['com'];
  const kernel = s.kernel && { ...s.kernel, kernel: full(s.kernel.kernel), initrd: s.kernel.initrd && full(s.kernel.initrd) };
  const nics = s.nics.map((n) => ({ ...n, mac: randomMac() }));
  return { ...s, name, ide, com, kernel, nics, floppy: s.floppy && full(s.floppy) };
}

/** "Name.vhd" for the primary master, "Name-primarySlave.vhd" and so on for the others. */
function diskName(name: string, slot: IdeSlot): string {
  return slot === 'primaryMaster' ? `${name}.vhd` : `${name}-${slot}.vhd`;
}
