import type { DiskFile } from './disk-file.js';
import { BAT_UNUSED, DYNAMIC_HEADER_SIZE, FOOTER_SIZE, HEADER_VERSION, SECTOR } from './format/constants.js';
import { encodeDynamicHeader, emptyLocator, LOCATOR_COUNT, type DynamicHeader, type ParentLocator } from './format/dynamic-header.js';
import { encodeFooter, type Footer } from './format/footer.js';
import { alignUp } from './sparse-layout.js';

export interface ParentLink {
  uniqueId: Uint8Array;
  timestamp: number;
  name: string;
  /** Locator data to store, in order: [platformCode, bytes]. */
  locators: [number, Uint8Array][];
}

export interface Skeleton {
  header: DynamicHeader;
  /** Where the first block goes (the trailing footer sits here until then). */
  dataStart: number;
}

/**
 * Lays out a new dynamic or differencing VHD: footer copy, dynamic header, an empty BAT, parent locator
 * data, and the trailing footer. The BAT goes right after the header (as QEMU and VirtualBox place it).
 */
export function planSkeleton(footer: Footer, blockSize: number, parent: ParentLink | null): Skeleton {
  const entries = Math.ceil(footer.currentSize / blockSize);
  const tableOffset = FOOTER_SIZE + DYNAMIC_HEADER_SIZE;
  let next = alignUp(tableOffset + entries * 4);
  const locators: ParentLocator[] = [];
  for (const [platformCode, data] of parent?.locators ?? []) {
    const space = alignUp(Math.max(data.length, SECTOR));
    locators.push({ platformCode, dataSpace: space, dataLength: data.length, dataOffset: next });
    next += space;
  }
  while (locators.length < LOCATOR_COUNT) locators.push(emptyLocator());
  const header: DynamicHeader = {
    tableOffset,
    headerVersion: HEADER_VERSION,
    maxTableEntries: entries,
    blockSize,
    checksum: 0,
    parentUniqueId: parent?.uniqueId ?? new Uint8Array(16),
    parentTimestamp: parent?.timestamp ?? 0,
    parentName: parent?.name ?? '',
    locators,
  };
  return { header, dataStart: next };
}

/** Writes everything but the blocks; `bat` defaults to all-unallocated. */
export async function writeSkeleton(
  file: DiskFile,
  footer: Footer,
  skeleton: Skeleton,
  parent: ParentLink | null,
  bat?: Uint8Array,
  trailingAt = skeleton.dataStart,
): Promise<void> {
  const footerBytes = encodeFooter(footer);
  const h = skeleton.header;
  await file.write(footerBytes, 0);
  await file.write(encodeDynamicHeader(h), FOOTER_SIZE);
  await file.write(bat ?? new Uint8Array(alignUp(h.maxTableEntries * 4)).fill(0xff), h.tableOffset);
  for (const [i, [, data]] of (parent?.locators ?? []).entries()) await file.write(data, h.locators[i]!.dataOffset);
  await file.write(footerBytes, trailingAt);
}

export function emptyBat(entries: number): Uint32Array {
  return new Uint32Array(entries).fill(BAT_UNUSED);
}
