import type { BlockDevice } from './block-device.js';
import { DiskError } from './errors.js';
import type { Footer } from './format/footer.js';
import type { DiskFile } from './disk-file.js';

export type DiskKind = 'fixed' | 'dynamic' | 'differencing' | 'linked' | 'raw';

/** An open disk: a block device that also knows its file, its kind and (for differencing disks) its parent. */
export interface Disk extends BlockDevice {
  readonly path: string;
  readonly kind: DiskKind;
  readonly parent: Disk | null;
  /** The VHD footer in force; null for raw and linked disks. */
  readonly footer: Footer | null;
  /** The VHD unique id; null for raw and linked disks. */
  readonly uniqueId: Uint8Array | null;
}

/** Where a piece of a read lives: a run of a host file, or zeros (file null). */
export interface Piece {
  file: DiskFile | null;
  /** Offset in the file. */
  at: number;
  /** Offset in the caller's buffer. */
  into: number;
  length: number;
  what: string;
}

/**
 * Disks that can say where guest bytes live without I/O, when their maps are in memory. A chain read then
 * becomes a list of plain file reads instead of a walk through every layer's request machinery.
 */
export interface MappableDisk {
  /** Appends the pieces of [offset, offset+length) to `out`; false when a map must first be loaded. */
  mapRange(offset: number, length: number, into: number, out: Piece[]): boolean;
}

export function isMappable(d: unknown): d is MappableDisk {
  return typeof (d as Partial<MappableDisk>)?.mapRange === 'function';
}

/** Joins pieces that continue each other in the same file (fewer, larger reads). */
export function mergePieces(pieces: Piece[]): Piece[] {
  const merged: Piece[] = [];
  for (const p of pieces) {
    const last = merged.at(-1);
    if (last && p.file && last.file === p.file && last.at + last.length === p.at && last.into + last.length === p.into)
      last.length += p.length;
    else if (last && !p.file && !last.file && last.into + last.length === p.into) last.length += p.length;
    else merged.push({ ...p });
  }
  return merged;
}

/**
 * Appends the part of `map` (pieces of one block, `into` counted from the block's start, sorted and
 * contiguous) that covers [from, from+length) of the block, placed at `into` of the caller's buffer.
 */
export function clipPieces(map: Piece[], from: number, length: number, into: number, out: Piece[]): void {
  let lo = 0;
  let hi = map.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]!.into + map[mid]!.length <= from) lo = mid + 1;
    else hi = mid;
  }
  const end = from + length;
  for (let i = lo; i < map.length && map[i]!.into < end; i++) {
    const p = map[i]!;
    const a = Math.max(p.into, from);
    const b = Math.min(p.into + p.length, end);
    out.push({ file: p.file, at: p.at + (a - p.into), into: into + (a - from), length: b - a, what: p.what });
  }
}

/** Reads mapped pieces into `buffer`. */
export async function readPieces(buffer: Uint8Array, pieces: Piece[]): Promise<void> {
  const work: Promise<void>[] = [];
  for (const p of mergePieces(pieces)) {
    const target = buffer.subarray(p.into, p.into + p.length);
    if (p.file) work.push(p.file.readExact(target, p.at, p.what));
    else target.fill(0);
  }
  if (work.length === 1) await work[0];
  else await Promise.all(work);
}

export function checkRange(path: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || length < 0 || offset + length > size)
    throw new DiskError('OUT_OF_RANGE', path, `request at ${offset} (+${length}) is outside the disk (${size} bytes)`);
}

/** The chain from this disk down to its root, nearest first. */
export function chainOf(disk: Disk): Disk[] {
  const out: Disk[] = [];
  for (let d: Disk | null = disk; d; d = d.parent) out.push(d);
  return out;
}
