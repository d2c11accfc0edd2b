import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DiskFile } from './disk-file.js';
import { DiskType, DYNAMIC_HEADER_SIZE } from './format/constants.js';
import { chooseFooter, readFooterCopies } from './format/footer-copies.js';
import { parseDynamicHeader } from './format/dynamic-header.js';
import { sameGuid } from './format/guid.js';
import { openDisk } from './open.js';

/**
 * Differencing disks that name `uniqueId` as their parent, found in `folders` (by default the disk's own
 * folder). A child is recognised by the parent id in its header, wherever its locators point: a copy of a
 * parent is still the parent of every child made from it.
 */
export async function findDependents(parentFile: string, uniqueId: Uint8Array, folders: string[] = []): Promise<string[]> {
  const dirs = [...new Set([path.dirname(path.resolve(parentFile)), ...folders.map((f) => path.resolve(f))])];
  const found: string[] = [];
  for (const dir of dirs) {
    const names = await fs.readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const file = path.join(dir, name);
      if (file === path.resolve(parentFile) || name.endsWith('.kaso-partial')) continue;
      if (await namesParent(file, uniqueId)) found.push(file);
    }
  }
  return found;
}

async function namesParent(file: string, uniqueId: Uint8Array): Promise<boolean> {
  const st = await fs.stat(file).catch(() => null);
  if (!st?.isFile() || st.size < 2048) return false;
  let f: DiskFile | null = null;
  try {
    f = await DiskFile.open(file, 'read');
    const footer = chooseFooter(file, await readFooterCopies(f)).footer;
    if (footer.diskType !== DiskType.Differencing || footer.dataOffset === null) return false;
    const header = parseDynamicHeader(await f.readAt(footer.dataOffset, DYNAMIC_HEADER_SIZE));
    return header !== null && sameGuid(header.header.parentUniqueId, uniqueId);
  } catch {
    return false; // not a VHD, or one too damaged to name a parent
  } finally {
    await f?.close();
  }
}

/** A disk's unique id (null for what has none: a raw image, or a file that does not open). */
export async function uniqueIdOf(file: string): Promise<Uint8Array | null> {
  const disk = await openDisk(file).catch(() => null);
  if (!disk) return null;
  try {
    return disk.uniqueId ?? null;
  } finally {
    await disk.close();
  }
}
