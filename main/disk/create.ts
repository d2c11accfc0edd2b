import { promises as fs } from 'node:fs';
import path from 'node:path';
import { hostDeviceInfo } from '../../native-shims/raw-device.js';
import { createAtomically } from './atomic-file.js';
import type { DiskFile } from './disk-file.js';
import { DiskError } from './errors.js';
import {
  CREATOR_HOST_OS,
  DEFAULT_BLOCK_SIZE,
  DiskType,
  KASO_CREATOR_APP,
  KASO_CREATOR_VERSION,
  MAX_BLOCK_SIZE,
  MAX_VHD_SIZE,
  MIN_BLOCK_SIZE,
  PlatformCode,
} from './format/constants.js';
import { encodeFooter, newFooterFields, type Footer } from './format/footer.js';
import { geometryForSize, interoperableSize, type Geometry } from './format/geometry.js';
import { formatGuid, newGuid } from './format/guid.js';
import { encodeUtf16Le, relativeLocatorText } from './format/locator-paths.js';
import { vhdTimestamp } from './format/timestamp.js';
import { encodePlaceholder, type LinkedPlaceholder } from './linked-placeholder.js';
import { openDisk } from './open.js';
import { runChunked, type JobOptions } from './job.js';
import { SparseDisk } from './sparse-disk.js';
import { planSkeleton, writeSkeleton, type ParentLink } from './sparse-skeleton.js';

export interface CreateResult {
  path: string;
  virtualSize: number;
}

/** A Kaso footer for a new disk of (at least) `requested` bytes, sized so every tool agrees on it. */
export function newFooter(type: DiskType, requested: number, geometry?: Geometry): Footer {
  const size = geometry ? requested : interoperableSize(requested);
  return {
    ...newFooterFields(),
    dataOffset: type === DiskType.Fixed ? null : 512,
    timestamp: vhdTimestamp(),
    creatorApp: KASO_CREATOR_APP,
    creatorVersion: KASO_CREATOR_VERSION,
    creatorHostOs: CREATOR_HOST_OS,
    originalSize: size,
    currentSize: size,
    geometry: geometry ?? geometryForSize(size),
    diskType: type,
    checksum: 0,
    uniqueId: newGuid(),
  };
}

export function validateSize(file: string, bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 512)
    throw new DiskError('INVALID_ARGUMENT', file, `a disk must hold at least one sector (asked for ${bytes} bytes)`);
  if (bytes > MAX_VHD_SIZE)
    throw new DiskError('INVALID_ARGUMENT', file, `${bytes} bytes is more than a VHD can hold (2040 GiB)`);
}

export function validateBlockSize(file: string, blockSize: number): void {
  if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || (blockSize & (blockSize - 1)) !== 0)
    throw new DiskError('INVALID_ARGUMENT', file, `block size must be a power of two from 4 KiB to 256 MiB (got ${blockSize})`);
}

export async function createDynamic(file: string, size: number, blockSize = DEFAULT_BLOCK_SIZE): Promise<CreateResult> {
  validateSize(file, size);
  validateBlockSize(file, blockSize);
  const footer = newFooter(DiskType.Dynamic, size);
  const skeleton = planSkeleton(footer, blockSize, null);
  await createAtomically(file, (f) => writeSkeleton(f, footer, skeleton, null));
  return { path: path.resolve(file), virtualSize: footer.currentSize };
}

/** A fixed disk; sparse on the host unless `preallocate`, which writes every byte (with progress). */
export async function createFixed(
  file: string,
  size: number,
  options: JobOptions & { preallocate?: boolean } = {},
): Promise<CreateResult> {
  validateSize(file, size);
  const footer = newFooter(DiskType.Fixed, size);
  await createAtomically(
    file,
    async (f: DiskFile) => {
      if (options.preallocate) await writeZeros(f, footer.currentSize, options);
      await f.write(encodeFooter(footer), footer.currentSize);
    },
    options.signal,
  );
  return { path: path.resolve(file), virtualSize: footer.currentSize };
}

async function writeZeros(f: DiskFile, size: number, options: JobOptions): Promise<void> {
  const chunk = 4 * 1024 * 1024;
  const zeros = new Uint8Array(chunk);
  await runChunked(f.path, size, chunk, options, (at, n) => f.write(zeros.subarray(0, n), at));
}

export async function createDifferencing(file: string, parentFile: string, blockSize?: number): Promise<CreateResult> {
  const child = path.resolve(file);
  const parent = await openDisk(parentFile);
  try {
    if (parent.kind === 'linked' || parent.kind === 'raw')
      throw new DiskError('INVALID_ARGUMENT', parent.path, 'a linked disk cannot have differencing disks (its drive can change underneath them)');
    const parentFooter = parent.footer!;
    const size = blockSize ?? (parent instanceof SparseDisk ? parent.vhd.blockSize : DEFAULT_BLOCK_SIZE);
    validateBlockSize(file, size);
    const link = await parentLink(child, parent.path, parentFooter);
    const footer = newFooter(DiskType.Differencing, parent.size, parentFooter.geometry);
    const skeleton = planSkeleton(footer, size, link);
    await createAtomically(child, (f) => writeSkeleton(f, footer, skeleton, link));
    return { path: child, virtualSize: footer.currentSize };
  } finally {
    await parent.close();
  }
}

/** What a child records about its parent: id, time, name, and both an absolute and a relative locator. */
export async function parentLink(childFile: string, parentFile: string, parentFooter: Footer): Promise<ParentLink> {
  const absolute = path.resolve(parentFile);
  const st = await fs.stat(absolute);
  return {
    uniqueId: parentFooter.uniqueId,
    timestamp: vhdTimestamp(st.mtime),
    name: path.basename(absolute),
    locators: [
      [PlatformCode.W2ku, encodeUtf16Le(absolute)],
      [PlatformCode.W2ru, encodeUtf16Le(relativeLocatorText(childFile, absolute))],
    ],
  };
}

export async function createLinked(file: string, target: string): Promise<CreateResult> {
  const absolute = path.resolve(target);
  let size: number;
  try {
    size = (await hostDeviceInfo(absolute)).size;
  } catch (e) {
    throw new DiskError('IO', absolute, `cannot link to it: ${(e as Error).message}`);
  }
  if (size < 512) throw new DiskError('INVALID_ARGUMENT', absolute, 'is too small to be a disk');
  const placeholder: LinkedPlaceholder = {
    format: 'kaso-linked-disk',
    version: 1,
    target: absolute,
    size,
    uniqueId: formatGuid(newGuid()),
    created: new Date().toISOString(),
  };
  const final = path.resolve(file);
  await createAtomically(final, async (f) => f.write(Buffer.from(encodePlaceholder(placeholder)), 0));
  return { path: final, virtualSize: size };
}

