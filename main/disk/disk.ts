import type { BlockDevice } from './block-device.js';
import { DiskError } from './errors.js';
import type { Footer } from './format/footer.js';

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
