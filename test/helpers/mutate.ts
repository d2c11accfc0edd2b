/**
 * Mutations of VHD images for the fuzz test. A mutation is a short list of plain operations on the bytes
 * of a pristine image (set bytes, flip bits, truncate, append, recompute checksums), so a failing case can
 * be described exactly and replayed by hand.
 */
import { randomInt } from './random.js';

export type Rand = () => number;

export type Op =
  | { kind: 'set'; offset: number; bytes: Uint8Array; why: string }
  | { kind: 'xor'; offset: number; mask: number; why: string }
  | { kind: 'truncate'; length: number; why: string }
  | { kind: 'append'; bytes: Uint8Array; why: string }
  /** Recomputes the checksums of both footer copies and of the dynamic header, so damage passes them. */
  | { kind: 'checksums'; why: string };

/** Where the structures of a pristine image are (parsed here, independently of the library). */
export interface ImageLayout {
  type: 'fixed' | 'dynamic' | 'differencing';
  fileSize: number;
  trailingFooter: number;
  header: number | null;
  batOffset: number;
  batEntries: number;
  blockSize: number;
  bitmapBytes: number;
  /** Byte offsets of allocated blocks (their sector bitmaps). */
  blocks: number[];
  /** Locator data areas in use. */
  locators: { index: number; offset: number; length: number }[];
}

const SECTOR = 512;
const FOOTER = 512;
const HEADER = 1024;

export function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0);
  return b;
}

export function u64(v: bigint | number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, BigInt(v)));
  return b;
}

function readU32(b: Uint8Array, at: number): number {
  return new DataView(b.buffer, b.byteOffset).getUint32(at);
}

function readU64(b: Uint8Array, at: number): number {
  return Number(new DataView(b.buffer, b.byteOffset).getBigUint64(at));
}

function cookieAt(b: Uint8Array, at: number, cookie: string): boolean {
  return at >= 0 && at + 8 <= b.length && Buffer.from(b.subarray(at, at + 8)).toString('latin1') === cookie;
}

/** The VHD checksum: one's complement of the byte sum, the 4-byte checksum field counted as zero. */
export function vhdChecksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) if (i < checksumOffset || i >= checksumOffset + 4) sum += bytes[i]!;
  return ~sum >>> 0;
}

/** Rewrites the checksum of the footer copies (offset 0 and the end) and of the dynamic header at 512. */
export function fixChecksums(b: Uint8Array): void {
  const fix = (at: number, size: number, field: number) => {
    const part = b.subarray(at, at + size);
    part.set(u32(vhdChecksum(part, field)), field);
  };
  if (b.length >= FOOTER) {
    const tail = b.length - FOOTER - ((b.length - FOOTER) % SECTOR);
    if (cookieAt(b, tail, 'conectix')) fix(tail, FOOTER, 64);
    if (cookieAt(b, 0, 'conectix')) fix(0, FOOTER, 64);
  }
  if (b.length >= FOOTER + HEADER && cookieAt(b, FOOTER, 'cxsparse')) fix(FOOTER, HEADER, 36);
}

export function applyOps(base: Uint8Array, ops: Op[]): Uint8Array {
  let b = Uint8Array.from(base);
  for (const op of ops) {
    switch (op.kind) {
      case 'set':
        if (op.offset < b.length) b.set(op.bytes.subarray(0, b.length - op.offset), op.offset);
        break;
      case 'xor':
        if (op.offset < b.length) b[op.offset] = b[op.offset]! ^ op.mask;
        break;
      case 'truncate':
        b = b.slice(0, Math.min(op.length, b.length));
        break;
      case 'append': {
        const longer = new Uint8Array(b.length + op.bytes.length);
        longer.set(b);
        longer.set(op.bytes, b.length);
        b = longer;
        break;
      }
      case 'checksums':
        fixChecksums(b);
        break;
    }
  }
  return b;
}

function hex(bytes: Uint8Array, max = 32): string {
  const h = Buffer.from(bytes.subarray(0, max)).toString('hex');
  return bytes.length > max ? `${h}... (${bytes.length} bytes)` : h;
}

export function describeOp(op: Op): string {
  switch (op.kind) {
    case 'set':
      return `set @${op.offset} = ${hex(op.bytes)} [${op.why}]`;
    case 'xor':
      return `xor @${op.offset} ^= 0x${op.mask.toString(16).padStart(2, '0')} [${op.why}]`;
    case 'truncate':
      return `truncate to ${op.length} [${op.why}]`;
    case 'append':
      return `append ${hex(op.bytes, 16)} [${op.why}]`;
    case 'checksums':
      return `recompute checksums [${op.why}]`;
  }
}

export function describeOps(ops: Op[]): string {
  return ops.map(describeOp).join('; ');
}

/** Parses a pristine image (made by the library, so well formed) to aim mutations at its structures. */
export function imageLayout(b: Uint8Array): ImageLayout {
  const trailingFooter = b.length - FOOTER;
  if (!cookieAt(b, trailingFooter, 'conectix')) throw new Error('not a pristine VHD');
  const diskType = readU32(b, trailingFooter + 60);
  const empty = { batOffset: 0, batEntries: 0, blockSize: 0, bitmapBytes: 0, blocks: [], locators: [] };
  if (diskType === 2) return { type: 'fixed', fileSize: b.length, trailingFooter, header: null, ...empty };
  const header = readU64(b, trailingFooter + 16);
  const batOffset = readU64(b, header + 16);
  const batEntries = readU32(b, header + 28);
  const blockSize = readU32(b, header + 32);
  const bitmapBytes = Math.ceil(blockSize / SECTOR / 8 / SECTOR) * SECTOR;
  const blocks: number[] = [];
  for (let i = 0; i < batEntries; i++) {
    const e = readU32(b, batOffset + i * 4);
    if (e !== 0xffffffff) blocks.push(e * SECTOR);
  }
  const locators: ImageLayout['locators'] = [];
  for (let i = 0; i < 8; i++) {
    const at = header + 576 + i * 24;
    if (readU32(b, at) !== 0) locators.push({ index: i, offset: readU64(b, at + 16), length: readU32(b, at + 8) });
  }
  const type = diskType === 4 ? 'differencing' : 'dynamic';
  return { type, fileSize: b.length, trailingFooter, header, batOffset, batEntries, blockSize, bitmapBytes, blocks, locators };
}

const pick = <T>(r: Rand, list: readonly T[]): T => list[randomInt(r, list.length)]!;

/** Values that break assumptions about a 32-bit field, for a file of `size` bytes. */
function extreme32(r: Rand, size: number): number {
  return pick(r, [
    0,
    1,
    511,
    512,
    4096,
    0x7fffffff,
    0x80000000,
    0xfffffffe,
    0xffffffff,
    size,
    size + SECTOR,
    Math.floor(size / SECTOR),
    Math.floor(size / SECTOR) + 1,
    Math.floor(size / SECTOR) - 1,
    randomInt(r, 0x100000000),
  ]);
}

/** Values that break assumptions about a 64-bit field. */
function extreme64(r: Rand, size: number): bigint {
  return pick(r, [
    0n,
    1n,
    511n,
    512n,
    BigInt(size),
    BigInt(size) + 512n,
    BigInt(size) - 512n,
    BigInt(size) * 1024n,
    0x7fffffffn,
    0xffffffffn,
    0x1_0000_0000n,
    1n << 40n,
    1n << 50n,
    (1n << 53n) - 512n,
    1n << 53n,
    (1n << 53n) + 512n,
    1n << 62n,
    1n << 63n,
    (1n << 64n) - 512n,
    (1n << 64n) - 1n,
    BigInt(randomInt(r, 0x100000000)) * 512n,
  ]);
}

/** The footer's numeric fields: [offset, width, name]. */
const FOOTER_FIELDS: [number, 4 | 8, string][] = [
  [8, 4, 'features'],
  [12, 4, 'format version'],
  [16, 8, 'data offset'],
  [40, 8, 'original size'],
  [48, 8, 'current size'],
  [48, 8, 'current size'],
  [56, 4, 'geometry'],
  [60, 4, 'disk type'],
  [28, 4, 'creator application'],
];

const HEADER_FIELDS: [number, 4 | 8, string][] = [
  [8, 8, 'header data offset'],
  [16, 8, 'table offset'],
  [16, 8, 'table offset'],
  [24, 4, 'header version'],
  [28, 4, 'max table entries'],
  [28, 4, 'max table entries'],
  [32, 4, 'block size'],
  [32, 4, 'block size'],
  [56, 4, 'parent timestamp'],
];

function fieldValue(r: Rand, width: 4 | 8, size: number, name: string): Uint8Array {
  if (name === 'creator application') return new Uint8Array(Buffer.from(pick(r, ['vpc ', 'vs  ', 'qemu', 'qem2', 'win ']), 'latin1'));
  if (name === 'disk type') return u32(pick(r, [0, 1, 2, 3, 4, 5, 0xffffffff]));
  if (name === 'block size' && r() < 0.6)
    return u32(pick(r, [0, 256, 512, 1024, 4096, 64 * 1024, 2 * 1024 * 1024, 256 * 1024 * 1024, 512 * 1024 * 1024, 3000]));
  if (name === 'geometry' && r() < 0.5) return u32(pick(r, [0, 0xffff10ff, 0x0001_0101, 0xffffffff]));
  return width === 4 ? u32(extreme32(r, size)) : u64(extreme64(r, size));
}

function flips(r: Rand, start: number, length: number, count: number, why: string): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < count && length > 0; i++)
    ops.push({ kind: 'xor', offset: start + randomInt(r, length), mask: 1 << randomInt(r, 8), why });
  return ops;
}

function randomBytes(r: Rand, n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = randomInt(r, 256);
  return b;
}

type Mutator = (r: Rand, l: ImageLayout) => Op[];

function footerCopies(r: Rand, l: ImageLayout): { at: number; name: string }[] {
  const tail = { at: l.trailingFooter, name: 'trailing footer' };
  if (l.type === 'fixed') return [tail];
  const head = { at: 0, name: 'footer copy' };
  return pick(r, [[tail], [head], [tail, head], [tail, head]]);
}

const mutators: { weight: number; types?: ImageLayout['type'][]; run: Mutator }[] = [
  {
    weight: 3,
    run: (r, l) => footerCopies(r, l).flatMap((c) => flips(r, c.at, r() < 0.8 ? 88 : FOOTER, 1 + randomInt(r, 6), `${c.name} bits`)),
  },
  {
    weight: 4,
    run: (r, l) => {
      const [at, width, name] = pick(r, FOOTER_FIELDS);
      const bytes = fieldValue(r, width, l.fileSize, name);
      const ops: Op[] = footerCopies(r, l).map((c) => ({ kind: 'set', offset: c.at + at, bytes, why: `${c.name} ${name}` }));
      if (r() < 0.75) ops.push({ kind: 'checksums', why: 'so the damage passes the checksum' });
      return ops;
    },
  },
  {
    weight: 3,
    types: ['dynamic', 'differencing'],
    run: (r, l) => flips(r, l.header!, r() < 0.7 ? 768 : HEADER, 1 + randomInt(r, 6), 'dynamic header bits'),
  },
  {
    weight: 5,
    types: ['dynamic', 'differencing'],
    run: (r, l) => {
      const [at, width, name] = pick(r, HEADER_FIELDS);
      const ops: Op[] = [{ kind: 'set', offset: l.header! + at, bytes: fieldValue(r, width, l.fileSize, name), why: name }];
      if (r() < 0.8) ops.push({ kind: 'checksums', why: 'so the damage passes the checksum' });
      return ops;
    },
  },
  {
    weight: 4,
    types: ['dynamic', 'differencing'],
    run: (r, l) => {
      // A parent locator entry: platform code, data space, data length, data offset.
      const i = l.locators.length > 0 && r() < 0.8 ? pick(r, l.locators).index : randomInt(r, 8);
      const at = l.header! + 576 + i * 24;
      const field = pick(r, [
        [0, 4, 'platform code'],
        [4, 4, 'data space'],
        [8, 4, 'data length'],
        [16, 8, 'data offset'],
        [16, 8, 'data offset'],
      ] as const);
      let bytes: Uint8Array;
      if (field[2] === 'platform code')
        bytes = u32(pick(r, [0, 0x57326b75, 0x57327275, 0x5769326b, 0x57693272, 0x4d616320, 0x4d616358, 0x12345678]));
      else if (field[2] === 'data length' && r() < 0.5) bytes = u32(pick(r, [0, 1, 3, 65536, 65537, 1 << 20]));
      else bytes = field[1] === 4 ? u32(extreme32(r, l.fileSize)) : u64(extreme64(r, l.fileSize));
      const ops: Op[] = [{ kind: 'set', offset: at + field[0], bytes, why: `locator ${i} ${field[2]}` }];
      if (r() < 0.8) ops.push({ kind: 'checksums', why: 'so the damage passes the checksum' });
      return ops;
    },
  },
  {
    weight: 2,
    types: ['differencing'],
    run: (r, l) => {
      const ops: Op[] = [];
      if (l.locators.length > 0) {
        const loc = pick(r, l.locators);
        ops.push(...flips(r, loc.offset, loc.length, 1 + randomInt(r, 4), `locator ${loc.index} data bits`));
      }
      if (r() < 0.5) ops.push(...flips(r, l.header! + 40, 16, 1, 'parent unique id'), { kind: 'checksums', why: 'header' });
      if (r() < 0.3) ops.push(...flips(r, l.header! + 64, 64, 2, 'parent name'), { kind: 'checksums', why: 'header' });
      return ops;
    },
  },
  {
    weight: 4,
    types: ['dynamic', 'differencing'],
    run: (r, l) => {
      const i = randomInt(r, l.batEntries);
      const sectors = Math.floor(l.fileSize / SECTOR);
      const value = pick(r, [
        0,
        1,
        2,
        3,
        sectors,
        sectors - 1,
        sectors + 1,
        sectors - (l.bitmapBytes + l.blockSize) / SECTOR + 1,
        0x7fffffff,
        0xfffffffe,
        l.blocks.length > 0 ? pick(r, l.blocks) / SECTOR : 7,
        l.blocks.length > 0 ? pick(r, l.blocks) / SECTOR + 1 : 9,
        extreme32(r, l.fileSize),
      ]);
      return [{ kind: 'set', offset: l.batOffset + i * 4, bytes: u32(value), why: `BAT entry ${i}` }];
    },
  },
  {
    weight: 2,
    types: ['dynamic', 'differencing'],
    run: (r, l) => flips(r, l.batOffset, l.batEntries * 4, 1 + randomInt(r, 4), 'BAT bits'),
  },
  {
    weight: 3,
    types: ['dynamic', 'differencing'],
    run: (r, l) => {
      if (l.blocks.length === 0) return [];
      const b = pick(r, l.blocks);
      if (r() < 0.3) return [{ kind: 'set', offset: b, bytes: new Uint8Array(l.bitmapBytes).fill(pick(r, [0, 0xff, 0x55])), why: 'whole sector bitmap' }];
      return flips(r, b, l.bitmapBytes, 1 + randomInt(r, 16), 'sector bitmap bits');
    },
  },
  {
    weight: 4,
    run: (r, l) => {
      const marks = [0, 1, 511, 512, 513, 1024, 1535, 1536, l.fileSize - 1, l.fileSize - 511, l.fileSize - 512, l.fileSize - 513];
      if (l.header !== null) marks.push(l.batOffset + 4, l.batOffset + l.batEntries * 4 - 2, ...l.blocks.map((b) => b + 100));
      for (const loc of l.locators) marks.push(loc.offset + 2);
      const length = r() < 0.5 ? pick(r, marks) : randomInt(r, l.fileSize);
      return [{ kind: 'truncate', length: Math.max(0, length), why: 'file cut short' }];
    },
  },
  {
    weight: 2,
    run: (r, l) => {
      const n = pick(r, [1, 100, 511, 512, 513, 1024, 4096, 1 + randomInt(r, 3000)]);
      const fill = r();
      const bytes = fill < 0.4 ? new Uint8Array(n) : fill < 0.8 ? randomBytes(r, n) : new Uint8Array(n).fill(0xff);
      const ops: Op[] = [{ kind: 'append', bytes, why: 'garbage after the end' }];
      if (r() < 0.2) ops.unshift({ kind: 'truncate', length: l.fileSize - FOOTER, why: 'trailing footer lost' });
      return ops;
    },
  },
  {
    weight: 2,
    run: (r, l) => {
      const at = randomInt(r, l.fileSize);
      return [{ kind: 'set', offset: at, bytes: randomBytes(r, 1 + randomInt(r, 16)), why: 'random bytes' }];
    },
  },
  {
    weight: 1,
    run: (r, l) => {
      const sectors = Math.floor(l.fileSize / SECTOR);
      const at = randomInt(r, sectors) * SECTOR;
      const ops: Op[] = [{ kind: 'set', offset: at, bytes: new Uint8Array(SECTOR * (1 + randomInt(r, 3))), why: 'sectors zeroed' }];
      if (r() < 0.5) ops.push({ kind: 'checksums', why: 'whatever still has a cookie' });
      return ops;
    },
  },
];

/** One to three mutations for an image, chosen with `r` (so a seed replays the same case). */
export function randomOps(r: Rand, layout: ImageLayout): Op[] {
  const usable = mutators.filter((m) => !m.types || m.types.includes(layout.type));
  const total = usable.reduce((n, m) => n + m.weight, 0);
  const count = r() < 0.7 ? 1 : r() < 0.7 ? 2 : 3;
  const ops: Op[] = [];
  for (let k = 0; k < count; k++) {
    let x = r() * total;
    const m = usable.find((u) => (x -= u.weight) < 0) ?? usable[0]!;
    ops.push(...m.run(r, layout));
  }
  return ops;
}
