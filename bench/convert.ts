/**
 * `kaso disk convert` against `qemu-img convert` on a 2 GiB image, half data and half zeros, both spawned as
 * a user would run them, raw -> dynamic and dynamic -> raw.
 *
 * Kaso flushes (fdatasync) its output before naming it. qemu-img's default output cache mode is 'unsafe'
 * (no flush at all), so the like-for-like peer is `qemu-img convert -t writeback` (flushes once at the end);
 * the target is judged on that one, and qemu-img's default is reported as an extra line. A `sync` runs
 * (untimed) before every timed run so dirty data of an earlier run is not charged to the next; the `sync`
 * right after each run is timed separately: it is the writeback that run left behind.
 */
import { closeSync, ftruncateSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { convertDisk } from '../main/disk/index.js';
import {
  GiB,
  MiB,
  QEMU_IMG,
  alternate,
  kasoArgs,
  log,
  median,
  randomBytes,
  runQuiet,
  syncAll,
  timeSpawn,
  type BenchContext,
} from './common.js';
import { ratioRow, side, type Row } from './report.js';

const IMAGE_SIZE = 2 * GiB;
/** Data and zeros alternate in runs of this size: half the image is data. */
const STRIPE = 64 * MiB;

interface Contender {
  label: string;
  args: (input: string, output: string) => [string, string[]];
}

export async function benchConvert(ctx: BenchContext): Promise<Row[]> {
  const raw = path.join(ctx.dir, 'source.img');
  const holes = path.join(ctx.dir, 'source-holes.img');
  const vhd = path.join(ctx.dir, 'source.vhd');
  log(`convert: writing a ${IMAGE_SIZE / GiB} GiB raw image (${STRIPE / MiB} MiB data / ${STRIPE / MiB} MiB zeros) and a copy with holes`);
  writeImages(raw, holes);
  log('convert: making the dynamic VHD source (library convertDisk, untimed)');
  await convertDisk(raw, vhd, { type: 'dynamic' });
  const syncMs = syncAll();
  log(`convert: sources on disk (sync ${syncMs.toFixed(0)} ms); reading them into the page cache`);
  for (const f of [raw, holes, vhd]) preRead(f);

  if (!ctx.qemu) {
    log('convert: qemu-img not found: nothing to compare against');
    return [];
  }
  const kaso = (type: string): Contender => ({
    label: 'kaso disk convert',
    args: (i, o) => kasoArgs('disk', 'convert', i, o, '--type', type),
  });
  const qemu = (cache: 'writeback' | null, from: string, to: string, extra: string[] = []): Contender => ({
    label: cache ? `qemu-img -t ${cache}` : 'qemu-img (default: unsafe)',
    args: (i, o) => [QEMU_IMG, ['convert', ...(cache ? ['-t', cache] : []), '-f', from, '-O', to, ...extra, i, o]],
  });
  const toDynamic = ['-o', 'subformat=dynamic'];

  const rows: Row[] = [];
  const scenarios = [
    {
      name: 'raw -> dynamic, 2 GiB, zeros written as bytes',
      input: raw,
      ext: 'vhd',
      reps: ctx.reps,
      judged: true,
      verify: ['-f', 'raw', '-F', 'vpc'],
      sides: [kaso('dynamic'), qemu('writeback', 'raw', 'vpc', toDynamic), qemu(null, 'raw', 'vpc', toDynamic)],
    },
    {
      name: 'dynamic -> raw, 2 GiB',
      input: vhd,
      ext: 'img',
      reps: ctx.reps,
      judged: true,
      verify: ['-f', 'raw', '-F', 'raw'],
      sides: [kaso('raw'), qemu('writeback', 'vpc', 'raw'), qemu(null, 'vpc', 'raw')],
    },
    {
      name: 'raw -> dynamic, 2 GiB, zeros as holes',
      input: holes,
      ext: 'vhd',
      reps: Math.min(ctx.reps, 3),
      judged: false,
      verify: null,
      sides: [kaso('dynamic'), qemu('writeback', 'raw', 'vpc', toDynamic), qemu(null, 'raw', 'vpc', toDynamic)],
    },
  ];

  for (const sc of scenarios) {
    const deferred: number[][] = sc.sides.map(() => []);
    const allocated: number[] = sc.sides.map(() => 0);
    const out = path.join(ctx.dir, `output.${sc.ext}`);
    /** One timed run of side `i`; the output is checked (first side, warm-up only) and removed. */
    const once = async (i: number, verify = false): Promise<number> => {
      const [cmd, args] = sc.sides[i]!.args(sc.input, out);
      const ms = await timeSpawn(cmd, args);
      deferred[i]!.push(syncAll());
      allocated[i] = statSync(out).blocks * 512;
      if (verify && sc.verify) runQuiet(QEMU_IMG, ['compare', ...sc.verify, raw, out]);
      rmSync(out, { force: true });
      return ms;
    };
    log(`convert: ${sc.name}: warm-up run of each side (untimed)${sc.verify ? "; Kaso's output checked with qemu-img compare" : ''}`);
    for (let i = 0; i < sc.sides.length; i++) {
      syncAll();
      await once(i, i === 0);
    }
    deferred.forEach((d) => (d.length = 0));
    log(`convert: ${sc.name}: ${sc.reps} timed runs of each side, alternating`);
    const samples = await alternate(
      sc.reps,
      Object.fromEntries(sc.sides.map((_, i) => [String(i), () => once(i)])) as Record<string, () => Promise<number>>,
      () => void syncAll(),
    );
    const sides = sc.sides.map((s, i) => side(s.label, samples[String(i)]!));
    const kasoSide = sides[0]!;
    const writebackNote = sc.sides
      .map((s, i) => `${s.label} ${median(deferred[i]!).toFixed(0)} ms`)
      .join(', ');
    const sizeNote = sc.sides.map((s, i) => `${s.label} ${(allocated[i]! / MiB).toFixed(0)} MiB`).join(', ');
    rows.push(
      ratioRow(
        'convert',
        `${sc.name}; like-for-like (both flush)`,
        kasoSide,
        sides[1]!,
        sc.judged ? 1.0 : null,
        `writeback left for the next sync (median): ${writebackNote}; output allocated: ${sizeNote}`,
      ),
      ratioRow('convert', `${sc.name}; qemu-img default (no flush)`, kasoSide, sides[2]!, null),
    );
  }
  for (const f of [raw, holes, vhd]) rmSync(f, { force: true });
  return rows;
}

/** The raw image with real zero bytes, and the same content with its zero stripes left as holes. */
function writeImages(raw: string, holes: string): void {
  const a = openSync(raw, 'wx');
  const b = openSync(holes, 'wx');
  const zeros = Buffer.alloc(STRIPE);
  try {
    for (let at = 0, i = 0; at < IMAGE_SIZE; at += STRIPE, i++) {
      if (i % 2 === 0) {
        const data = randomBytes(STRIPE);
        writeAll(a, data, at);
        writeAll(b, data, at);
      } else writeAll(a, zeros, at);
    }
    ftruncateSync(b, IMAGE_SIZE);
  } finally {
    closeSync(a);
    closeSync(b);
  }
}

function writeAll(fd: number, data: Buffer, at: number): void {
  for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done, at + done);
}

/** Reads a whole file so both tools start from the page cache. */
export function preRead(file: string): void {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(8 * MiB);
  try {
    for (let at = 0; ; ) {
      const n = readSync(fd, buf, 0, buf.length, at);
      if (n === 0) break;
      at += n;
    }
  } finally {
    closeSync(fd);
  }
}
