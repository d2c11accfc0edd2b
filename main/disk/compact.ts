import { FULL, isAllZero, noneSet } from './bitmap.js';
import { DiskError } from './errors.js';
import { BAT_UNUSED, SECTOR } from './format/constants.js';
import { throwIfCancelled, type JobOptions } from './job.js';
import { openDisk } from './open.js';
import { SparseDisk } from './sparse-disk.js';
import type { SparseLayout } from './sparse-layout.js';

export interface CompactResult {
  path: string;
  blocksFreed: number;
  blocksMoved: number;
  oldFileSize: number;
  fileSize: number;
}

/** Moves between flushes: each batch is copied, flushed, switched over in the BAT, flushed again. */
const MOVE_BATCH = 16;

/**
 * Shrinks a dynamic or differencing disk in place, like Virtual PC's "Compact":
 *  1. blocks that hold nothing are released (all zeros in a dynamic disk; no sector present in a
 *     differencing disk, whose zeros still hide the parent's data and must stay);
 *  2. blocks from the end of the file are copied into the holes, flushed, and only then switched over;
 *  3. the file is cut after the last block.
 * Every step leaves a valid disk that reads the same, so an interrupted or cancelled compact loses nothing.
 * Progress counts blocks examined, then blocks moved.
 */
export async function compactDisk(file: string, options: JobOptions = {}): Promise<CompactResult> {
  const disk = await openDisk(file, { writable: true });
  try {
    if (!(disk instanceof SparseDisk))
      throw new DiskError('INVALID_ARGUMENT', disk.path, `a ${disk.kind} disk has no free blocks to reclaim (convert it to a dynamic disk instead)`);
    const layout = disk.vhd;
    const oldFileSize = layout.file.size;
    let cancelled = false;
    const blocksFreed = await releaseEmptyBlocks(disk, options).catch(stopOnCancel(() => (cancelled = true)));
    await layout.file.sync();
    const blocksMoved = cancelled ? 0 : await closeHoles(layout, options).catch(stopOnCancel(() => (cancelled = true)));
    await layout.file.sync();
    await layout.resetTail();
    await layout.file.sync();
    if (cancelled) throwIfCancelled(file, { signal: AbortSignal.abort() });
    return { path: disk.path, blocksFreed: blocksFreed ?? 0, blocksMoved: blocksMoved ?? 0, oldFileSize, fileSize: layout.file.size };
  } finally {
    await disk.close();
  }
}

function stopOnCancel(mark: () => void) {
  return (e: unknown) => {
    if ((e as DiskError).code !== 'CANCELLED') throw e;
    mark();
    return 0;
  };
}

async function releaseEmptyBlocks(disk: SparseDisk, options: JobOptions): Promise<number> {
  const layout = disk.vhd;
  const buffer = new Uint8Array(layout.blockSize);
  let freed = 0;
  const total = layout.bat.length;
  for (let i = 0; i < total; i++) {
    throwIfCancelled(disk.path, options);
    if (i % 64 === 0) options.onProgress?.(i, total);
    if (!disk.isAllocated(i)) continue;
    if (!(await holdsNothing(disk, i, buffer))) continue;
    await layout.setBatEntry(i, BAT_UNUSED);
    freed++;
  }
  options.onProgress?.(total, total);
  return freed;
}

async function holdsNothing(disk: SparseDisk, block: number, buffer: Uint8Array): Promise<boolean> {
  const layout = disk.vhd;
  if (block >= layout.blockCount) return true; // beyond the disk's size: unreachable
  const bitmap = await disk.blockBitmap(block);
  if (disk.kind === 'differencing') return bitmap !== FULL && noneSet(bitmap, layout.blockSize / SECTOR);
  const start = block * layout.blockSize;
  const view = buffer.subarray(0, Math.min(layout.blockSize, disk.size - start));
  await disk.read(view, start);
  return isAllZero(view);
}

/** Copies the last blocks into the lowest holes (first fit), in batches made durable before the switch. */
async function closeHoles(layout: SparseLayout, options: JobOptions): Promise<number> {
  const holes = freeRuns(layout);
  const byOffsetDesc = [...layout.bat.keys()]
    .filter((i) => layout.blockOffset(i) !== null)
    .sort((a, b) => layout.blockOffset(b)! - layout.blockOffset(a)!);
  const plan: { block: number; to: number }[] = [];
  let h = 0;
  for (const block of byOffsetDesc) {
    while (h < holes.length && holes[h]!.end - holes[h]!.start < layout.stride) h++;
    const hole = holes[h];
    if (!hole || hole.start >= layout.blockOffset(block)!) break;
    plan.push({ block, to: hole.start });
    hole.start += layout.stride;
  }
  const buffer = new Uint8Array(layout.stride);
  for (let i = 0; i < plan.length; i += MOVE_BATCH) {
    throwIfCancelled(layout.file.path, options);
    const batch = plan.slice(i, i + MOVE_BATCH);
    for (const m of batch) {
      await layout.file.readExact(buffer, layout.blockOffset(m.block)!, `block ${m.block}`);
      await layout.file.write(buffer, m.to);
    }
    await layout.file.sync();
    for (const m of batch) await layout.setBatEntry(m.block, m.to / SECTOR);
    await layout.file.sync();
    options.onProgress?.(i + batch.length, plan.length);
  }
  return plan.length;
}

/** Unreferenced runs of the file between the metadata and the end of the data, lowest first. */
function freeRuns(layout: SparseLayout): { start: number; end: number }[] {
  const used = layout.extents().sort((a, b) => a.start - b.start);
  const runs: { start: number; end: number }[] = [];
  let cursor = 0;
  for (const e of used) {
    if (e.start > cursor) runs.push({ start: cursor, end: e.start });
    cursor = Math.max(cursor, e.end);
  }
  return runs.filter((r) => r.start % SECTOR === 0);
}
