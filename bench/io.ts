/**
 * Guest I/O through the library (openDisk ... read/write) against plain fs.promises FileHandle calls on a raw
 * file at the same offsets: random 4 KiB and sequential 1 MiB, reads and writes, on a dynamic disk and on the
 * top of a 16-deep differencing chain. Both sides work on files already in the page cache, so the ratio
 * measures software overhead, not the storage.
 *
 * The disks are 16 GiB (virtual) with their first 1 GiB filled with data; reads and steady-state writes stay
 * in that first GiB (every block there is allocated). First-touch writes go to a fresh disk (and a fresh
 * sparse raw file): the random ones touch every 2 MiB block of the 16 GiB once, in random order, so each one
 * allocates a block. Queue depth 1 is judged; queue depth 8 (8 requests in flight) is an extra line.
 *
 * The judged chain has its data in 64 KiB regions scattered over its 17 levels (as a guest's scattered writes
 * leave it). A second, diagnostic chain (reads only, extra lines) keeps each 2 MiB block's data whole in one
 * level: the difference between the two is the cost of fragmentation, the difference between it and the
 * dynamic disk the cost of walking the levels.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chainOf, createDifferencing, createDynamic, openDisk, type Disk } from '../main/disk/index.js';
import {
  GiB,
  KiB,
  MiB,
  alternate,
  log,
  msSince,
  now,
  randomBytes,
  randomInt,
  rng,
  shuffle,
  syncAll,
  type BenchContext,
} from './common.js';
import { ratioRow, side, type Row } from './report.js';

const VIRTUAL = 16 * GiB;
const DATA = 1 * GiB;
const BLOCK = 2 * MiB;
/** The chain's data is spread over its levels in regions of this size. */
const REGION = 64 * KiB;
/** Differencing levels on top of the dynamic base. */
const DIFF_LEVELS = 16;
const RANDOM_OPS = 20_000;
/**
 * Sequential runs cycle over the first 256 MiB: 2 GiB read or 1 GiB written per run (long enough to time
 * well, little enough dirty data that the untimed sync between write runs stays short).
 */
const SEQ_SPAN = 256 * MiB;
const SEQ_READ_BYTES = 2 * GiB;
const SEQ_WRITE_BYTES = 1 * GiB;
/** First-touch sequential writes: fresh space each run, so all of it is new dirty data. */
const FIRST_TOUCH_SEQ_BYTES = 512 * MiB;
const QUEUE_DEPTHS = [1, 8];

interface Pattern {
  name: string;
  size: number;
  offsets: number[];
}

interface Target {
  name: string;
  /** The disk the benchmark opens (the chain's top). */
  top: string;
  /** A raw file with the same guest content, for the baseline. */
  raw: string;
  /** A new empty disk for first-touch writes (for the chain: a new top over the same 15 levels below). */
  fresh(file: string): Promise<void>;
  /** The ratio the issue asks for (null: a diagnostic target, extra lines only). */
  min: number | null;
  /** Whether to measure writes too (the diagnostic chain only reads). */
  writes: boolean;
  /** Every file of the target (removed when done). */
  files: string[];
}

type Io = (buffer: Buffer, offset: number) => Promise<unknown>;

export async function benchIo(ctx: BenchContext): Promise<Row[]> {
  const rows: Row[] = [];
  const setups = [
    () => setupDynamic(ctx.dir),
    () => setupChain(ctx.dir, REGION, 0.7),
    // Diagnostic: the same chain depth with each block's data whole in one level, to tell the cost of walking
    // 16 levels apart from the cost of data fragmented across them.
    () => setupChain(ctx.dir, BLOCK, null),
  ];
  for (const setup of setups) {
    const target = await setup();
    log(`io: ${target.name}: ready (sync ${syncAll().toFixed(0)} ms)`);
    rows.push(...(await measureTarget(ctx, target)));
  }
  return rows;
}

const patterns = {
  random4k: (): Pattern => {
    const next = rng(4096);
    const pages = DATA / (4 * KiB);
    return { name: 'random 4 KiB', size: 4 * KiB, offsets: Array.from({ length: RANDOM_OPS }, () => randomInt(next, pages) * 4 * KiB) };
  },
  /** `bytes` of sequential 1 MiB requests, in passes over the first `span` bytes. */
  seq1m: (bytes: number, span = SEQ_SPAN): Pattern => ({
    name: 'sequential 1 MiB',
    size: MiB,
    offsets: Array.from({ length: bytes / MiB }, (_, i) => (i * MiB) % span),
  }),
  /** One 4 KiB write in every block of the disk, blocks in random order: each one allocates. */
  firstTouch4k: (): Pattern => {
    const next = rng(7);
    const blocks = shuffle(Array.from({ length: VIRTUAL / BLOCK }, (_, i) => i), next);
    return {
      name: 'random 4 KiB',
      size: 4 * KiB,
      offsets: blocks.map((b) => b * BLOCK + randomInt(next, BLOCK / (4 * KiB)) * 4 * KiB),
    };
  },
};

/** Issues the pattern's requests with `depth` in flight; returns the elapsed ms. */
async function drive(io: Io, p: Pattern, buffers: Buffer[], depth: number): Promise<number> {
  const t = now();
  if (depth === 1) {
    const b = buffers[0]!;
    for (const offset of p.offsets) await io(b, offset);
  } else {
    let next = 0;
    await Promise.all(
      buffers.slice(0, depth).map(async (b) => {
        while (next < p.offsets.length) await io(b, p.offsets[next++]!);
      }),
    );
  }
  return msSince(t);
}

function buffersFor(p: Pattern): Buffer[] {
  return Array.from({ length: Math.max(...QUEUE_DEPTHS) }, () => randomBytes(p.size));
}

const kasoIo = (disk: Disk, write: boolean): Io =>
  write ? (b, o) => disk.write(b, o) : (b, o) => disk.read(b, o);
const rawIo = (fh: fs.FileHandle, write: boolean): Io =>
  write ? (b, o) => fh.write(b, 0, b.length, o) : (b, o) => fh.read(b, 0, b.length, o);

async function measureTarget(ctx: BenchContext, t: Target): Promise<Row[]> {
  const rows: Row[] = [];
  const disk = await openDisk(t.top, { writable: true });
  const fh = await fs.open(t.raw, 'r+');
  try {
    // Both files into the page cache (and every bitmap into the library's cache), and the JIT warmed up.
    const whole: Pattern = { name: 'all data', size: MiB, offsets: Array.from({ length: DATA / MiB }, (_, i) => i * MiB) };
    await drive(kasoIo(disk, false), whole, buffersFor(whole), 1);
    await drive(rawIo(fh, false), whole, buffersFor(whole), 1);

    for (const write of t.writes ? [false, true] : [false]) {
      for (const p of [patterns.random4k(), patterns.seq1m(write ? SEQ_WRITE_BYTES : SEQ_READ_BYTES)]) {
        const buffers = buffersFor(p);
        for (const depth of QUEUE_DEPTHS) {
          const label = `${t.name}: ${p.name} ${write ? 'write' : 'read'}${write ? ' (steady)' : ''}, QD${depth}`;
          log(`io: ${label}`);
          const kaso = () => drive(kasoIo(disk, write), p, buffers, depth);
          const raw = () => drive(rawIo(fh, write), p, buffers, depth);
          // Untimed warm-up: JIT, and for writes the chain top's bits for these pages are set (steady state).
          await kaso();
          await raw();
          const samples = await alternate(ctx.reps, { kaso, raw }, write ? () => void syncAll() : undefined);
          const work = { ops: p.offsets.length, bytes: p.offsets.length * p.size };
          rows.push(
            ratioRow('io', label, side('kaso', samples.kaso, work), side('fs FileHandle', samples.raw, work), depth === 1 ? t.min : null),
          );
        }
      }
    }
  } finally {
    await disk.close();
    await fh.close();
  }

  const firstTouch = !t.writes
    ? []
    : [
        {
          p: patterns.firstTouch4k(),
          note: `${VIRTUAL / BLOCK} writes, one in each ${BLOCK / MiB} MiB block: every one allocates (raw: writes into a hole)`,
        },
        {
          p: patterns.seq1m(FIRST_TOUCH_SEQ_BYTES, VIRTUAL),
          note: `${FIRST_TOUCH_SEQ_BYTES / MiB} MiB written from offset 0: every other 1 MiB write allocates a block (raw: into a hole)`,
        },
      ];
  for (const { p, note } of firstTouch) {
    const label = `${t.name}: ${p.name} write (first touch, allocating), QD1`;
    log(`io: ${label}`);
    const buffers = buffersFor(p);
    const file = path.join(ctx.dir, 'first-touch');
    const kaso = async () => {
      await t.fresh(`${file}.vhd`);
      const d = await openDisk(`${file}.vhd`, { writable: true });
      syncAll();
      const ms = await drive(kasoIo(d, true), p, buffers, 1);
      await d.close();
      await fs.rm(`${file}.vhd`);
      return ms;
    };
    const raw = async () => {
      const h = await fs.open(`${file}.img`, 'wx+');
      await h.truncate(VIRTUAL);
      syncAll();
      const ms = await drive(rawIo(h, true), p, buffers, 1);
      await h.close();
      await fs.rm(`${file}.img`);
      return ms;
    };
    const samples = await alternate(ctx.reps, { kaso, raw });
    const work = { ops: p.offsets.length, bytes: p.offsets.length * p.size };
    rows.push(
      ratioRow(
        'io',
        label,
        side('kaso', samples.kaso, work),
        side('fs FileHandle', samples.raw, work),
        null,
        note,
      ),
    );
  }
  for (const f of t.files) await fs.rm(f, { force: true });
  return rows;
}

async function setupDynamic(dir: string): Promise<Target> {
  const file = path.join(dir, 'dynamic.vhd');
  const raw = path.join(dir, 'dynamic.img');
  log(`io: dynamic: creating a ${VIRTUAL / GiB} GiB dynamic disk and filling its first ${DATA / GiB} GiB (and the raw baseline)`);
  await createDynamic(file, VIRTUAL);
  const disk = await openDisk(file, { writable: true });
  const fh = await fs.open(raw, 'wx+');
  try {
    for (let at = 0; at < DATA; at += BLOCK) {
      const data = randomBytes(BLOCK);
      await disk.write(data, at);
      await fh.write(data, 0, data.length, at);
    }
    await verifySame(disk, fh);
  } finally {
    await disk.close();
    await fh.close();
  }
  return { name: 'dynamic', top: file, raw, min: 0.8, writes: true, files: [file, raw], fresh: (f) => createDynamic(f, VIRTUAL).then(() => undefined) };
}

/**
 * A dynamic base and 16 differencing levels on it. The first GiB is cut into regions (64 KiB for the judged
 * chain); each region is written once, at a random level (of the 17), so reads through the top find their
 * data anywhere in the chain.
 */
async function setupChain(dir: string, region: number, min: number | null): Promise<Target> {
  const tag = region === BLOCK ? 'whole blocks' : `${region / KiB} KiB regions`;
  const prefix = path.join(dir, `chain-${region / KiB}k`);
  const levels = Array.from({ length: DIFF_LEVELS + 1 }, (_, i) => `${prefix}-${String(i).padStart(2, '0')}.vhd`);
  const raw = `${prefix}.img`;
  log(`io: chain: building a dynamic base + ${DIFF_LEVELS} differencing levels, data spread over all of them in ${tag}`);
  const next = rng(1717);
  const regionLevel = Array.from({ length: DATA / region }, () => randomInt(next, levels.length));
  const fh = await fs.open(raw, 'wx+');
  try {
    await fh.truncate(DATA);
    for (const [level, file] of levels.entries()) {
      if (level === 0) await createDynamic(file, VIRTUAL);
      else await createDifferencing(file, levels[level - 1]!);
      const disk = await openDisk(file, { writable: true });
      try {
        for (const [r, l] of regionLevel.entries()) {
          if (l !== level) continue;
          const data = randomBytes(region);
          await disk.write(data, r * region);
          await fh.write(data, 0, data.length, r * region);
        }
      } finally {
        await disk.close();
      }
    }
    const top = await openDisk(levels.at(-1)!);
    try {
      if (chainOf(top).length !== levels.length) throw new Error('the chain did not open with all its parents');
      await verifySame(top, fh);
    } finally {
      await top.close();
    }
  } finally {
    await fh.close();
  }
  return {
    name: min === null ? `${DIFF_LEVELS}-deep chain, data in ${tag} (diagnostic)` : `${DIFF_LEVELS}-deep chain (data in ${tag})`,
    top: levels.at(-1)!,
    raw,
    min,
    writes: min !== null,
    files: [...levels, raw],
    fresh: (f) => createDifferencing(f, levels.at(-2)!).then(() => undefined),
  };
}

/** The disk and the raw baseline hold the same bytes (64 random 1 MiB probes): the benchmark reads real data. */
async function verifySame(disk: Disk, fh: fs.FileHandle): Promise<void> {
  const next = rng(99);
  const a = Buffer.alloc(MiB);
  const b = Buffer.alloc(MiB);
  for (let i = 0; i < 64; i++) {
    const at = randomInt(next, DATA / (4 * KiB) - MiB / (4 * KiB)) * 4 * KiB;
    await disk.read(a, at);
    await fh.read(b, 0, MiB, at);
    if (!a.equals(b)) throw new Error(`${disk.path}: the disk and its raw baseline differ at ${at}: benchmark setup or library bug`);
  }
}
