import type { BlockDevice } from '../../main/disk/index.js';

/** Reads a whole device into memory (test disks are small). */
export async function readAll(dev: BlockDevice): Promise<Uint8Array> {
  const out = new Uint8Array(dev.size);
  const chunk = 4 * 1024 * 1024;
  for (let at = 0; at < dev.size; at += chunk) await dev.read(out.subarray(at, Math.min(dev.size, at + chunk)), at);
  return out;
}

/** First offset where two buffers differ, or -1 (a readable failure message beats a 64 MiB diff). */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  if (Buffer.compare(Buffer.from(a.buffer, a.byteOffset, n), Buffer.from(b.buffer, b.byteOffset, n)) === 0)
    return a.length === b.length ? -1 : n;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
