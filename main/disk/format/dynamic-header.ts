import { vhdChecksum } from './checksum.js';
import { DYNAMIC_HEADER_SIZE, HEADER_COOKIE, HEADER_VERSION, NO_DATA_OFFSET } from './constants.js';

export interface ParentLocator {
  platformCode: number;
  /** Bytes reserved for the locator's data (stored as bytes, as Virtual PC and Hyper-V do). */
  dataSpace: number;
  dataLength: number;
  dataOffset: number;
}

export interface DynamicHeader {
  tableOffset: number;
  headerVersion: number;
  maxTableEntries: number;
  blockSize: number;
  checksum: number;
  parentUniqueId: Uint8Array;
  parentTimestamp: number;
  parentName: string;
  /** Always eight entries; unused ones have platformCode 0. */
  locators: ParentLocator[];
}

export interface ParsedHeader {
  header: DynamicHeader;
  problems: string[];
}

export const LOCATOR_COUNT = 8;

export function emptyLocator(): ParentLocator {
  return { platformCode: 0, dataSpace: 0, dataLength: 0, dataOffset: 0 };
}

export function parseDynamicHeader(bytes: Uint8Array): ParsedHeader | null {
  if (bytes.length < DYNAMIC_HEADER_SIZE) return null;
  if (Buffer.from(bytes.subarray(0, 8)).toString('latin1') !== HEADER_COOKIE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, DYNAMIC_HEADER_SIZE);
  const locators: ParentLocator[] = [];
  for (let i = 0; i < LOCATOR_COUNT; i++) {
    const at = 576 + i * 24;
    locators.push({
      platformCode: view.getUint32(at),
      dataSpace: view.getUint32(at + 4),
      dataLength: view.getUint32(at + 8),
      dataOffset: toSafe(view.getBigUint64(at + 16)),
    });
  }
  const header: DynamicHeader = {
    tableOffset: toSafe(view.getBigUint64(16)),
    headerVersion: view.getUint32(24),
    maxTableEntries: view.getUint32(28),
    blockSize: view.getUint32(32),
    checksum: view.getUint32(36),
    parentUniqueId: bytes.slice(40, 56),
    parentTimestamp: view.getUint32(56),
    parentName: decodeUtf16Be(bytes.subarray(64, 576)),
    locators,
  };
  const problems: string[] = [];
  const sum = vhdChecksum(bytes.subarray(0, DYNAMIC_HEADER_SIZE), 36);
  if (sum !== header.checksum)
    problems.push(`dynamic header checksum is 0x${header.checksum.toString(16)}, expected 0x${sum.toString(16)}`);
  if (header.headerVersion >>> 16 !== HEADER_VERSION >>> 16)
    problems.push(`unknown dynamic header version 0x${header.headerVersion.toString(16)}`);
  const bs = header.blockSize;
  if (bs < 512 || (bs & (bs - 1)) !== 0) problems.push(`block size ${bs} is not a power of two of at least 512`);
  if (header.tableOffset % 512 !== 0) problems.push(`block table offset ${header.tableOffset} is not sector aligned`);
  return { header, problems };
}

export function encodeDynamicHeader(h: DynamicHeader): Uint8Array {
  const bytes = new Uint8Array(DYNAMIC_HEADER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(HEADER_COOKIE, 'latin1'), 0);
  view.setBigUint64(8, NO_DATA_OFFSET);
  view.setBigUint64(16, BigInt(h.tableOffset));
  view.setUint32(24, h.headerVersion);
  view.setUint32(28, h.maxTableEntries);
  view.setUint32(32, h.blockSize);
  bytes.set(h.parentUniqueId.subarray(0, 16), 40);
  view.setUint32(56, h.parentTimestamp);
  bytes.set(encodeUtf16Be(h.parentName, 512), 64);
  h.locators.slice(0, LOCATOR_COUNT).forEach((l, i) => {
    const at = 576 + i * 24;
    view.setUint32(at, l.platformCode);
    view.setUint32(at + 4, l.dataSpace);
    view.setUint32(at + 8, l.dataLength);
    view.setBigUint64(at + 16, BigInt(l.dataOffset));
  });
  view.setUint32(36, vhdChecksum(bytes, 36));
  return bytes;
}

export function decodeUtf16Be(bytes: Uint8Array): string {
  const swapped = Buffer.from(bytes);
  swapped.swap16();
  const text = swapped.toString('utf16le');
  const end = text.indexOf('\0');
  return end < 0 ? text : text.slice(0, end);
}

/** UTF-16BE, truncated to whole characters so that it fits `space` bytes. */
export function encodeUtf16Be(text: string, space: number): Uint8Array {
  const le = Buffer.from(text, 'utf16le').subarray(0, space - (space % 2));
  const be = Buffer.from(le);
  be.swap16();
  return new Uint8Array(be);
}

function toSafe(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER + 1 : Number(v);
}
