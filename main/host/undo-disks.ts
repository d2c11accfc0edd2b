import path from 'node:path';
import { ApiError } from '../api/requests.js';
import type { IdeSlot } from '../api/vm-settings.js';
import { createDifferencing, mergeDisk } from '../disk/index.js';
import { begin, commit, finish, type AfterStep } from './snapshots/journal.js';
import type { VmLibrary, VmRecord } from './vm-library.js';

export type UndoAction = 'commit' | 'discard' | 'keep';

/**
 * Virtual PC's undo disks. With the setting on, a start with no session open gives every hard disk a
 * differencing child (the session's undo disk) and the engine writes there; the VM's own disks stay as
 * they were. When the VM is off, the person commits the session (merges it into the disks), discards it,
 * or keeps it for the next start. Each step is a journaled transaction, like a snapshot's.
 */
export async function openUndoSession(library: VmLibrary, record: VmRecord): Promise<VmRecord> {
  if (!record.file.settings.undoDisks || record.file.undo) return record;
  const disks = library.diskSlots(record).map(({ slot, path: p }) => ({
    slot,
    parent: library.resolve(record, p),
    path: path.join(record.folder, `${path.basename(record.configFile, '.kaso.json')}-undo-${slot}.vhd`),
  }));
  const tx = await begin(record, 'open undo disks', disks.map((d) => d.path), []);
  for (const d of disks) await createDifferencing(d.path, d.parent);
  const next = await commit(library, record, tx, { ...record.file, undo: { disks: disks.map((d) => ({ slot: d.slot, path: path.basename(d.path) })) } });
  await finish(record, tx);
  return next;
}

/** Ends (or keeps) the session: its changes go into the VM's disks, or away. */
export async function closeUndoSession(library: VmLibrary, record: VmRecord, action: UndoAction): Promise<VmRecord> {
  const undo = record.file.undo;
  if (!undo) throw new ApiError('CONFLICT', `"${record.file.settings.name}" has no undo disks with changes to ${action}`);
  if (action === 'keep') return record;
  const files = undo.disks.map((d) => library.resolve(record, d.path));
  const tx = await begin(record, `${action} undo disks`, [], files.map((file) => ({ kind: 'delete', file }) as AfterStep));
  // Merging leaves the chain reading the same at every moment: a crash before the commit just merges again.
  if (action === 'commit') for (const file of files) await mergeDisk(file, { keepChild: true });
  const { undo: _closed, ...rest } = record.file;
  const next = await commit(library, record, tx, rest);
  await finish(record, tx);
  return next;
}

/** The disks the engine opens: the session's undo disks where there are some. */
export function bootDiskPath(record: VmRecord, slot: IdeSlot, settingsPath: string): string {
  return record.file.undo?.disks.find((d) => d.slot === slot)?.path ?? settingsPath;
}
