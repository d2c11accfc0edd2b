import { SECTOR } from './format/constants.js';
export { BoundedCache } from './bounded-cache.js';

/**
 * Sector bitmaps: one bit per sector of a block, most significant bit of byte 0 first. A set bit means the
 * sector's data lives in this file; a clear bit means it reads from the parent (or as zeros without one).
 */
export const FULL = Symbol('every sector present');
export type BlockBitmap = Uint8Array | typeof FULL;

export function bitIsSet(bitmap: Uint8Array, sector: number): boolean {
  return (bitmap[sector >> 3]! & (0x80 >> (sector & 7))) !== 0;
}

/** Sets the bits of sectors [first, first+count); returns whether any bit changed. */
export function setBits(bitmap: Uint8Array, first: number, count: number): boolean {
  let changed = false;
  for (let s = first; s < first + count; s++) {
    const mask = 0x80 >> (s & 7);
    if ((bitmap[s >> 3]! & mask) === 0) {
      bitmap[s >> 3] = bitmap[s >> 3]! | mask;
      changed = true;
    }
  }
  return changed;
}

export function clearBits(bitmap: Uint8Array, first: number, count: number): void {
  for (let s = first; s < first + count; s++) bitmap[s >> 3] = bitmap[s >> 3]! & ~(0x80 >> (s & 7));
}

export function allSet(bitmap: Uint8Array, sectors: number): boolean {
  const whole = sectors >> 3;
  for (let i = 0; i < whole; i++) if (bitmap[i] !== 0xff) return false;
  for (let s = whole * 8; s < sectors; s++) if (!bitIsSet(bitmap, s)) return false;
  return true;
}

export function noneSet(bitmap: Uint8Array, sectors: number): boolean {
  for (let s = 0; s < sectors; s++) if (bitIsSet(bitmap, s)) return false;
  return true;
}

/**
 * Maximal runs of sectors with the same bit over [first, first+count), as [start, length, present]. Whole
 * bytes that continue the current run are skipped eight sectors at a time (bitmaps are mostly 0x00/0xFF).
 */
export function sectorRuns(bitmap: BlockBitmap, first: number, count: number): [number, number, boolean][] {
  if (bitmap === FULL) return [[first, count, true]];
  const runs: [number, number, boolean][] = [];
  const end = first + count;
  let start = first;
  let present = bitIsSet(bitmap, first);
  let s = first + 1;
  while (s < end) {
    if ((s & 7) === 0 && s + 8 <= end && bitmap[s >> 3] === (present ? 0xff : 0x00)) {
      s += 8;
      continue;
    }
    const p = bitIsSet(bitmap, s);
    if (p !== present) {
      runs.push([start, s - start, present]);
      start = s;
      present = p;
    }
    s++;
  }
  runs.push([start, end - start, present]);
  return runs;
}

export function fullBitmap(bytes: number): Uint8Array {
  return new Uint8Array(bytes).fill(0xff);
}

export function sectorSpan(byteOffset: number, length: number): { first: number; count: number } {
  const first = Math.floor(byteOffset / SECTOR);
  return { first, count: Math.ceil((byteOffset + length) / SECTOR) - first };
}

const ZERO_CHUNK = new Uint8Array(1024 * 1024);

/** Fast all-zero test (memcmp against a zero page, a megabyte at a time). */
export function isAllZero(data: Uint8Array): boolean {
  for (let at = 0; at < data.length; at += ZERO_CHUNK.length) {
    const part = data.subarray(at, Math.min(data.length, at + ZERO_CHUNK.length));
    if (Buffer.compare(Buffer.from(part.buffer, part.byteOffset, part.length), Buffer.from(ZERO_CHUNK.buffer, 0, part.length)) !== 0)
      return false;
  }
  return true;
}
