import { vhdChecksum } from './checksum.js';
import {
  DiskType,
  FEATURES_RESERVED,
  FOOTER_COOKIE,
  FOOTER_SIZE,
  FORMAT_VERSION,
  NO_DATA_OFFSET,
} from './constants.js';
import { chsSectors, isMaxGeometry, type Geometry } from './geometry.js';

export interface Footer {
  features: number;
  formatVersion: number;
  /** Offset of the dynamic header; null for fixed disks (stored as all ones). */
  dataOffset: number | null;
  timestamp: number;
  creatorApp: string;
  creatorVersion: number;
  creatorHostOs: string;
  originalSize: number;
  currentSize: number;
  geometry: Geometry;
  diskType: number;
  checksum: number;
  uniqueId: Uint8Array;
  savedState: number;
}

export interface ParsedFooter {
  footer: Footer;
  /** Problems that make this copy untrustworthy (empty when it is sound). */
  problems: string[];
}

const ascii = (b: Uint8Array, start: number, len: number) =>
  Buffer.from(b.subarray(start, start + len)).toString('latin1');

function readU64(view: DataView, at: number): bigint {
  return view.getBigUint64(at, false);
}

/** Parses a 512-byte footer. Returns null when the cookie is absent (this is not a footer at all). */
export function parseFooter(bytes: Uint8Array): ParsedFooter | null {
  if (bytes.length < FOOTER_SIZE || ascii(bytes, 0, 8) !== FOOTER_COOKIE) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, FOOTER_SIZE);
  const rawDataOffset = readU64(view, 16);
  const footer: Footer = {
    features: view.getUint32(8),
    formatVersion: view.getUint32(12),
    dataOffset: rawDataOffset === NO_DATA_OFFSET ? null : safeNumber(rawDataOffset),
    timestamp: view.getUint32(24),
    creatorApp: ascii(bytes, 28, 4),
    creatorVersion: view.getUint32(32),
    creatorHostOs: ascii(bytes, 36, 4),
    originalSize: safeNumber(readU64(view, 40)),
    currentSize: safeNumber(readU64(view, 48)),
    geometry: { cylinders: view.getUint16(56), heads: bytes[58]!, sectorsPerTrack: bytes[59]! },
    diskType: view.getUint32(60),
    checksum: view.getUint32(64),
    uniqueId: bytes.slice(68, 84),
    savedState: bytes[84]!,
  };
  const problems: string[] = [];
  const sum = vhdChecksum(bytes.subarray(0, FOOTER_SIZE), 64);
  if (sum !== footer.checksum) problems.push(`footer checksum is 0x${hex(footer.checksum)}, expected 0x${hex(sum)}`);
  if (footer.formatVersion >>> 16 !== FORMAT_VERSION >>> 16)
    problems.push(`unknown format version 0x${hex(footer.formatVersion)}`);
  if (![DiskType.Fixed, DiskType.Dynamic, DiskType.Differencing].includes(footer.diskType))
    problems.push(`unknown disk type ${footer.diskType}`);
  if (footer.currentSize % 512 !== 0 && footer.diskType !== DiskType.Fixed)
    problems.push(`size ${footer.currentSize} is not a whole number of sectors`);
  if (!Number.isSafeInteger(footer.currentSize)) problems.push('size is absurdly large');
  if (footer.diskType !== DiskType.Fixed && footer.dataOffset === null)
    problems.push('a dynamic disk footer has no header offset');
  return { footer, problems };
}

export function encodeFooter(f: Footer): Uint8Array {
  const bytes = new Uint8Array(FOOTER_SIZE);
  const view = new DataView(bytes.buffer);
  bytes.set(Buffer.from(FOOTER_COOKIE, 'latin1'), 0);
  view.setUint32(8, f.features);
  view.setUint32(12, f.formatVersion);
  view.setBigUint64(16, f.dataOffset === null ? NO_DATA_OFFSET : BigInt(f.dataOffset));
  view.setUint32(24, f.timestamp);
  bytes.set(Buffer.from(f.creatorApp.padEnd(4, '\0').slice(0, 4), 'latin1'), 28);
  view.setUint32(32, f.creatorVersion);
  bytes.set(Buffer.from(f.creatorHostOs.padEnd(4, '\0').slice(0, 4), 'latin1'), 36);
  view.setBigUint64(40, BigInt(f.originalSize));
  view.setBigUint64(48, BigInt(f.currentSize));
  view.setUint16(56, f.geometry.cylinders);
  bytes[58] = f.geometry.heads;
  bytes[59] = f.geometry.sectorsPerTrack;
  view.setUint32(60, f.diskType);
  bytes.set(f.uniqueId.subarray(0, 16), 68);
  bytes[84] = f.savedState;
  view.setUint32(64, vhdChecksum(bytes, 64));
  return bytes;
}

export function newFooterFields(): Pick<Footer, 'features' | 'formatVersion' | 'savedState'> {
  return { features: FEATURES_RESERVED, formatVersion: FORMAT_VERSION, savedState: 0 };
}

/** Creators whose own software sizes a disk by its CHS geometry (Virtual PC, Virtual Server, old QEMU). */
const CHS_CREATORS = new Set(['vpc ', 'vs  ', 'qemu']);

/**
 * The size a guest sees. Virtual PC, Virtual Server and QEMU's own 'qemu' disks are sized by CHS geometry
 * (their current-size field may be larger); every other creator (Hyper-V 'win ', 'qem2', Disk2vhd, XenServer,
 * VirtualBox, Kaso) by the current size. The maximum geometry means "bigger than CHS can say": use the size.
 */
export function virtualSizeOf(f: Footer): number {
  if (!CHS_CREATORS.has(f.creatorApp) || isMaxGeometry(f.geometry)) return f.currentSize;
  const chs = chsSectors(f.geometry) * 512;
  return chs > 0 && chs <= f.currentSize ? chs : f.currentSize;
}

export function diskTypeName(t: number): 'fixed' | 'dynamic' | 'differencing' | 'unknown' {
  return t === DiskType.Fixed
    ? 'fixed'
    : t === DiskType.Dynamic
      ? 'dynamic'
      : t === DiskType.Differencing
        ? 'differencing'
        : 'unknown';
}

function safeNumber(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER + 1 : Number(v);
}

function hex(n: number): string {
  return n.toString(16).padStart(8, '0');
}
