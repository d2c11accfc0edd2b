import { promises as fs } from 'node:fs';
import path from 'node:path';
import { syncDirectory } from './atomic-file.js';
import { sectorRuns } from './bitmap.js';
import { findDependents } from './dependents.js';
import { DiskError } from './errors.js';
import { SECTOR } from './format/constants.js';
import { expandDisk } from './expand.js';
import { throwIfCancelled, type JobOptions } from './job.js';
import { openDisk } from './open.js';
import { SparseDisk } from './sparse-disk.js';

export interface MergeOptions extends JobOptions {
  /** Keep the child file after merging (it then adds nothing over its parent). Default: delete it. */
  keepChild?: boolean;
  /** More folders to search for other children of the parent. */
  searchFolders?: string[];
}

export interface MergeResult {
  parent: string;
  mergedBytes: number;
  childDeleted: boolean;
}

/**
 * Commits a differencing disk into its parent. Refuses when other differencing disks depend on that parent:
 * changing it would change what they read. The merge is idempotent: the chain child -> parent reads the
 * same at every moment, so an interrupted merge loses nothing and is finished by running it again. The
 * child is deleted only after the parent holds everything and is flushed.
 */
export async function mergeDisk(childFile: string, options: MergeOptions = {}): Promise<MergeResult> {
  const child = await openDisk(childFile);
  let childDeleted = false;
  let mergedBytes = 0;
  try {
    if (!(child instanceof SparseDisk) || child.kind !== 'differencing' || !child.parent)
      throw new DiskError('INVALID_ARGUMENT', child.path, 'is not a differencing disk: there is nothing to merge');
    const parentPath = child.parent.path;
    const others = (await findDependents(parentPath, child.parent.uniqueId!, [path.dirname(child.path), ...(options.searchFolders ?? [])])).filter(
      (f) => f !== path.resolve(child.path),
    );
    if (others.length > 0)
      throw new DiskError(
        'IN_USE',
        parentPath,
        `other differencing disks depend on it (${others.join(', ')}): merging ${path.basename(child.path)} into it would change what they read`,
      );
    if (child.parent.size < child.size) await expandDisk(parentPath, child.size);
    mergedBytes = await copyPresentSectors(child, parentPath, options);
    if (!options.keepChild) {
      await child.close();
      await fs.rm(child.path);
      await syncDirectory(path.dirname(child.path));
      childDeleted = true;
    }
    return { parent: parentPath, mergedBytes, childDeleted };
  } finally {
    if (!childDeleted) await child.close();
  }
}

async function copyPresentSectors(child: SparseDisk, parentPath: string, options: JobOptions): Promise<number> {
  const parent = await openDisk(parentPath, { writable: true });
  const layout = child.vhd;
  const blocks: number[] = [];
  for (let i = 0; i < layout.blockCount; i++) if (child.isAllocated(i)) blocks.push(i);
  let bytes = 0;
  try {
    options.onProgress?.(0, blocks.length);
    for (const [n, block] of blocks.entries()) {
      throwIfCancelled(child.path, options);
      const bitmap = await child.blockBitmap(block);
      const base = block * layout.blockSize;
      const sectorsHere = Math.min(layout.blockSize, child.size - base) / SECTOR;
      for (const [first, count, present] of sectorRuns(bitmap, 0, Math.ceil(sectorsHere))) {
        if (!present) continue;
        const data = new Uint8Array(Math.min(count * SECTOR, child.size - base - first * SECTOR));
        await child.read(data, base + first * SECTOR);
        await parent.write(data, base + first * SECTOR);
        bytes += data.length;
      }
      options.onProgress?.(n + 1, blocks.length);
    }
    await parent.flush();
  } finally {
    await parent.close();
  }
  return bytes;
}
