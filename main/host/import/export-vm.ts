import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../api/requests.js';
import type { IdeSlot, VmFile } from '../../api/vm-settings.js';
import { findDependents, reparentDisk, uniqueIdOf } from '../../disk/index.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';

/**
 * Copies a VM to `<dest>/<Name>/`, whole: its folder (settings, snapshots, saved state) and every disk it
 * uses from elsewhere, so the copy stands alone and `kaso vm import` can bring it in on another machine.
 * Differencing disks in the copy are pointed at the copied parents. The copy is made under a temporary
 * name and renamed when complete.
 */
export async function exportVm(library: VmLibrary, record: VmRecord, dest: string): Promise<string> {
  const target = path.join(path.resolve(dest), path.basename(record.folder));
  if (existsSync(target)) throw new ApiError('CONFLICT', `${target} already exists`, 'folder');
  const partial = `${target}.kaso-partial`;
  await fs.rm(partial, { recursive: true, force: true });
  await fs.mkdir(path.dirname(target), { recursive: true });
  try {
    await fs.cp(record.folder, partial, { recursive: true, filter: (f) => !f.endsWith('.kaso-journal') });
    const moved = await copyOutsideDisks(library, record, partial);
    const file = rewritePaths(record.file, moved);
    await fs.writeFile(path.join(partial, path.basename(record.configFile)), `${JSON.stringify(file, null, 2)}\n`);
    await fs.rename(partial, target);
    return target;
  } catch (e) {
    await fs.rm(partial, { recursive: true, force: true });
    throw e;
  }
}

/** Disks outside the VM's folder, copied in; returns their old path (as the file names it) -> new name. */
async function copyOutsideDisks(library: VmLibrary, record: VmRecord, into: string): Promise<Map<string, string>> {
  const moved = new Map<string, string>();
  const used = new Set(await fs.readdir(into));
  for (const p of referencedDisks(library, record)) {
    const full = library.resolve(record, p);
    if (!path.relative(record.folder, full).startsWith('..') || moved.has(p)) continue;
    let name = path.basename(full);
    for (let n = 2; used.has(name); n++) name = `${path.basename(full, path.extname(full))}-${n}${path.extname(full)}`;
    used.add(name);
    await fs.copyFile(full, path.join(into, name));
    moved.set(p, name);
    const id = await uniqueIdOf(full);
    if (id) for (const child of await findDependents(path.join(into, name), id, [into])) await reparentDisk(child, path.join(into, name));
  }
  return moved;
}

function referencedDisks(library: VmLibrary, record: VmRecord): string[] {
  const inSettings = library.diskSlots(record).map((d) => d.path);
  const inSnapshots = record.file.snapshots?.items.flatMap((s) => s.disks.map((d) => d.path)) ?? [];
  return [...new Set([...inSettings, ...inSnapshots])];
}

function rewritePaths(file: VmFile, moved: Map<string, string>): VmFile {
  const swap = (p: string) => moved.get(p) ?? p;
  const ide = { ...file.settings.ide };
  for (const slot of Object.keys(ide) as IdeSlot[]) {
    const d = ide[slot];
    if (d?.kind === 'disk' && d.path) ide[slot] = { ...d, path: swap(d.path) };
  }
  const snapshots = file.snapshots && { ...file.snapshots, items: file.snapshots.items.map((s) => ({ ...s, disks: s.disks.map((d) => ({ ...d, path: swap(d.path) })) })) };
  return { ...file, settings: { ...file.settings, ide }, ...(snapshots ? { snapshots } : {}) };
}
