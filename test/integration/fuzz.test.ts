/**
 * Bad input gets a clear error: no crash, no hang, no read outside the file.
 *
 * Thousands of mutated images (bit flips in the footers, the dynamic header, the BAT, the sector bitmaps and
 * the locator data; extreme values in size and offset fields, with and without fixed-up checksums;
 * truncation; garbage at the end) are opened, read through and checked. Every failure must be a DiskError
 * naming the file; open and check must agree on whether the disk is usable; a disk that check calls clean
 * must read; repair must leave nothing it claims to repair and never change what the disk reads.
 *
 * A failing case prints its group, seed and the exact operations applied to the pristine image; run
 * `KASO_FUZZ_SEED=<seed> npx vitest run test/integration/fuzz.test.ts` to replay that case alone.
 */
import { createHash } from 'node:crypto';
import { promises as fs, mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkDisk,
  createDifferencing,
  createDynamic,
  createFixed,
  isDiskError,
  openDisk,
  type CheckReport,
  type Disk,
  type DiskError,
} from '../../main/disk/index.js';
import { applyOps, describeOps, fixChecksums, imageLayout, randomOps, u32, u64, type ImageLayout, type Op } from '../helpers/mutate.js';
import { pattern, randomInt, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const CASE_TIMEOUT_MS = 5_000;
/** Reading more than this of a (mutated) virtual disk is replaced by a sample of ranges. */
const FULL_READ_LIMIT = 64 * MiB;
const RSS_LIMIT = 1.5 * 1024 * MiB;
/** Repair may extend a file by a block at most (a trailing footer restored after a cut block). */
const REPAIR_GROWTH_LIMIT = 2 * MiB;

const dir = tempDir('fuzz');

// ---------------------------------------------------------------------------------------------------------
// Pristine images, made by the library itself.

interface Pristine {
  bytes: Uint8Array;
  layout: ImageLayout;
}

const pristine: Record<'dyn64' | 'dyn512' | 'fixed' | 'parent' | 'child', Pristine> = {} as never;

async function writeSome(file: string, seed: number, writes: [number, number][]): Promise<void> {
  const d = await openDisk(file, { writable: true });
  try {
    for (const [i, [offset, length]] of writes.entries()) await d.write(pattern(seed * 100 + i, Math.min(length, d.size - offset)), offset);
  } finally {
    await d.close();
  }
}

async function keep(file: string): Promise<Pristine> {
  const bytes = new Uint8Array(await fs.readFile(file));
  return { bytes, layout: imageLayout(bytes) };
}

/** A parent (dynamic, 64 KiB blocks) and a differencing child, both with data, in a folder of their own. */
async function makeChain(folder: string): Promise<{ parent: string; child: string }> {
  mkdirSync(folder, { recursive: true });
  const parent = path.join(folder, 'parent.vhd');
  const child = path.join(folder, 'child.vhd');
  await createDynamic(parent, 4 * MiB, 64 * KiB);
  await writeSome(parent, 3, [
    [0, 70 * KiB],
    [MiB + 4096, 20 * KiB],
    [3 * MiB, 64 * KiB],
  ]);
  await createDifferencing(child, parent);
  // Page-sized writes inside blocks: the child's bitmaps are partial, so reads mix child and parent.
  await writeSome(child, 4, [
    [8 * KiB, 4 * KiB],
    [MiB + 12 * KiB, 8 * KiB],
    [2 * MiB + 60 * KiB, 8 * KiB],
    [3 * MiB + 64 * KiB, 64 * KiB],
  ]);
  return { parent, child };
}

const chainDir = path.join(dir, 'chain');
const chainFiles = { parent: path.join(chainDir, 'parent.vhd'), child: path.join(chainDir, 'child.vhd') };

beforeAll(async () => {
  const src = path.join(dir, 'pristine');
  mkdirSync(src);
  const dyn64 = path.join(src, 'dyn64.vhd');
  await createDynamic(dyn64, 4 * MiB, 64 * KiB);
  await writeSome(dyn64, 1, [
    [0, 100 * KiB],
    [MiB + 700, 3000],
    [2 * MiB + 32 * KiB, 64 * KiB],
    [3 * MiB + 511, 1],
    [4 * MiB - 512, 512],
  ]);
  const dyn512 = path.join(src, 'dyn512.vhd');
  await createDynamic(dyn512, 4 * MiB, 512 * KiB);
  await writeSome(dyn512, 2, [
    [4096, 8 * KiB],
    [MiB + 100 * KiB, 600 * KiB],
  ]);
  const fixed = path.join(src, 'fixed.vhd');
  await createFixed(fixed, MiB);
  await writeSome(fixed, 5, [
    [0, 4 * KiB],
    [300 * KiB, 100 * KiB],
  ]);
  await makeChain(chainDir);
  pristine.dyn64 = await keep(dyn64);
  pristine.dyn512 = await keep(dyn512);
  pristine.fixed = await keep(fixed);
  pristine.parent = await keep(chainFiles.parent);
  pristine.child = await keep(chainFiles.child);
  // The pristine images are what a user would have: they open, read through and check clean.
  for (const f of [dyn64, dyn512, fixed, chainFiles.child]) {
    const p = await probe(f, [f], true, rng(0));
    expect([p.openError, p.readError, p.check.status], f).toEqual([null, null, 'clean']);
  }
  expect(pristine.dyn64.layout.blocks.length).toBeGreaterThanOrEqual(5);
  expect(pristine.dyn512.layout.blocks.length).toBeGreaterThanOrEqual(2);
  expect(pristine.child.layout.blocks.length).toBeGreaterThanOrEqual(3);
  expect(pristine.child.layout.locators.length).toBe(2);
});

// ---------------------------------------------------------------------------------------------------------
// Probing one image: open, read through, check, and (for some) repair.

class Violation extends Error {}

function fail(message: string): never {
  throw new Violation(message);
}

function describeError(e: unknown): string {
  return e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e);
}

/** A failure must be a DiskError that names one of the files involved. */
function expectDiskError(e: unknown, names: string[], stage: string): DiskError {
  if (e instanceof Violation) throw e;
  if (!isDiskError(e)) fail(`${stage} threw something other than a DiskError:\n${describeError(e)}`);
  if (!names.some((n) => e.message.includes(n))) fail(`${stage} failed without naming the file: ${e.message}`);
  if (!e.detail) fail(`${stage} failed with an empty message`);
  return e;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Violation(`${what} did not finish within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Reads the whole disk (or, when a mutated size is large, a fixed sample of ranges) and returns a digest of
 * it; then a few unaligned requests crossing blocks (from `r`, not part of the digest).
 */
async function readThrough(disk: Disk, r: () => number): Promise<string> {
  const hash = createHash('sha1');
  const ranges: [number, number][] = [];
  if (disk.size <= FULL_READ_LIMIT) {
    for (let at = 0; at < disk.size; at += MiB) ranges.push([at, Math.min(MiB, disk.size - at)]);
  } else {
    const sample = rng(disk.size % 0x7fffffff);
    ranges.push([0, MiB], [disk.size - MiB, MiB]);
    for (let i = 0; i < 16; i++) ranges.push([randomInt(sample, (disk.size - 64 * KiB) / 512) * 512, 64 * KiB]);
  }
  for (const [at, length] of ranges) {
    const buffer = new Uint8Array(length);
    await disk.read(buffer, at);
    hash.update(buffer);
  }
  for (let i = 0; i < 3 && disk.size > 2; i++) {
    const at = randomInt(r, disk.size - 1);
    await disk.read(new Uint8Array(1 + randomInt(r, Math.min(200 * KiB, disk.size - at))), at);
  }
  return `${disk.size}:${hash.digest('hex')}`;
}

interface Probe {
  /** The error code that kept the disk from opening, or null. */
  openError: string | null;
  /** The error code of the first failed read, or null (also null when it did not open). */
  readError: string | null;
  digest: string | null;
  check: CheckReport;
}

/**
 * Opens (read-only), reads and checks `file`. `names` are the files an error may name (the file and its
 * parent). `strict`: only `file` is damaged, so a disk that check calls clean must also read.
 */
async function probe(file: string, names: string[], strict: boolean, r: () => number): Promise<Probe> {
  let openError: string | null = null;
  let readError: string | null = null;
  let digest: string | null = null;
  let disk: Disk | null = null;
  try {
    disk = await openDisk(file);
  } catch (e) {
    openError = expectDiskError(e, names, 'openDisk').code;
  }
  if (disk) {
    try {
      digest = await readThrough(disk, r);
    } catch (e) {
      readError = expectDiskError(e, names, 'reading the disk').code;
    } finally {
      await disk.close().catch((e: unknown) => expectDiskError(e, names, 'closing the disk'));
    }
  }
  let check: CheckReport;
  try {
    check = await checkDisk(file);
  } catch (e) {
    expectDiskError(e, names, 'checkDisk'); // a check reports damage, it never throws for it
    fail(`checkDisk threw instead of reporting: ${(e as Error).message}`);
  }
  if (!['clean', 'problems', 'unusable'].includes(check.status)) fail(`check status ${String(check.status)}`);
  for (const f of check.findings)
    if (typeof f.message !== 'string' || f.message.trim() === '') fail(`a check finding has no message: ${JSON.stringify(f)}`);
  if (openError && check.status !== 'unusable')
    fail(`openDisk refused the disk (${openError}) but check says "${check.status}": ${JSON.stringify(check.findings)}`);
  if (!openError && check.status === 'unusable')
    fail(`the disk opens but check calls it unusable: ${JSON.stringify(check.findings)}`);
  if (strict && readError && check.status === 'clean')
    fail(`check calls the disk clean but reading it fails (${readError})`);
  return { openError, readError, digest, check };
}

/** Repairs a copy; the repaired disk must have nothing left to repair and read as before. */
async function probeRepair(
  bytes: Uint8Array,
  copy: string,
  names: string[],
  before: Probe,
): Promise<void> {
  await overwrite(copy, bytes); // (in place: a copy a bad repair grew to terabytes is cut back)
  let repaired: CheckReport;
  try {
    repaired = await checkDisk(copy, { repair: true });
  } catch (e) {
    expectDiskError(e, [copy, ...names], 'checkDisk --repair');
    stats.repairErrors++;
    return;
  }
  stats.repairs++;
  const fixable = before.check.findings.filter((f) => f.repair).length;
  if (repaired.repaired.length !== fixable)
    fail(`check offered ${fixable} repairs but repair made ${repaired.repaired.length}: ${JSON.stringify(repaired.repaired)}`);
  const size = (await fs.stat(copy)).size;
  if (size > bytes.length + REPAIR_GROWTH_LIMIT) fail(`repair grew the file from ${bytes.length} to ${size} bytes`);
  const after = await probe(copy, [copy, ...names], false, rng(1));
  const left = after.check.findings.filter((f) => f.repair);
  if (left.length > 0) fail(`after repair, check still offers repairs: ${JSON.stringify(left)}`);
  const unrepairable = before.check.findings.filter((f) => f.severity === 'problem' && !f.repair);
  if (unrepairable.length > 0 && after.check.status === 'clean')
    fail(`repair made problems it cannot repair vanish: ${JSON.stringify(unrepairable.map((f) => f.message))}`);
  if (before.check.status !== 'unusable' && after.check.status === 'unusable')
    fail(`repair made a usable disk unusable: ${JSON.stringify(after.check.findings)}`);
  if (before.digest && after.digest && before.digest !== after.digest) fail('repair changed what the disk reads');
  if (before.digest && !after.digest && !after.openError && after.readError)
    fail(`the disk read before repair, not after (${after.readError})`);
}

// ---------------------------------------------------------------------------------------------------------
// The fuzz loop.

const stats = {
  cases: 0,
  opened: 0,
  readFailed: {} as Record<string, number>,
  openFailed: {} as Record<string, number>,
  check: { clean: 0, problems: 0, unusable: 0 } as Record<string, number>,
  repairs: 0,
  repairErrors: 0,
  maxRss: 0,
  ms: {} as Record<string, number>,
  phaseMs: { write: 0, probe: 0, repair: 0 },
};

const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

interface Group {
  name: string;
  cases: number;
  seed: number;
  /** Writes the case's files; returns the file to probe and the files its errors may name. */
  setup: (ops: Op[], r: () => number) => Promise<{ file: string; names: string[]; bytes: Uint8Array; strict: boolean }>;
  target: () => Pristine;
}

let parentDirty = false;

/** Replaces a file's content in place (cheaper than truncating it to nothing and allocating it again). */
async function overwrite(file: string, bytes: Uint8Array): Promise<void> {
  const h = await fs.open(file, 'r+').catch(() => fs.open(file, 'w'));
  try {
    await h.write(bytes, 0, bytes.length, 0);
    await h.truncate(bytes.length);
  } finally {
    await h.close();
  }
}

async function restoreParent(): Promise<void> {
  if (!parentDirty) return;
  await overwrite(chainFiles.parent, pristine.parent.bytes);
  parentDirty = false;
}

function single(name: keyof typeof pristine, cases: number, seed: number): Group {
  const file = path.join(dir, `case-${name}.vhd`);
  return {
    name,
    cases,
    seed,
    target: () => pristine[name],
    setup: async (ops) => {
      const bytes = applyOps(pristine[name].bytes, ops);
      await overwrite(file, bytes);
      return { file, names: [file], bytes, strict: true };
    },
  };
}

const groups: Group[] = [
  single('dyn64', 1300, 1),
  single('dyn512', 700, 2),
  single('fixed', 500, 3),
  {
    name: 'differencing child',
    cases: 1100,
    seed: 4,
    target: () => pristine.child,
    setup: async (ops) => {
      await restoreParent();
      const bytes = applyOps(pristine.child.bytes, ops);
      await overwrite(chainFiles.child, bytes);
      return { file: chainFiles.child, names: [chainFiles.child, chainFiles.parent], bytes, strict: true };
    },
  },
  {
    name: 'parent of a differencing child',
    cases: 400,
    seed: 5,
    target: () => pristine.parent,
    setup: async (ops) => {
      await overwrite(chainFiles.child, pristine.child.bytes);
      const bytes = applyOps(pristine.parent.bytes, ops);
      parentDirty = true;
      await overwrite(chainFiles.parent, bytes);
      // The child is probed: its parent is the damaged file.
      return { file: chainFiles.child, names: [chainFiles.child, chainFiles.parent], bytes, strict: false };
    },
  },
];

const failures: string[] = [];
const onlySeed = process.env.KASO_FUZZ_SEED ? Number(process.env.KASO_FUZZ_SEED) : null;
/** Violations by kind (the message with numbers and quoted details blanked), to see every distinct bug at once. */
const kinds: Record<string, number> = {};

afterAll(() => {
  const line = (m: Record<string, number>) =>
    Object.entries(m)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k} ${v}`)
      .join(', ') || 'none';
  console.log(
    [
      `fuzz: ${stats.cases} mutated images; opened and read through: ${stats.opened}`,
      `  open refused: ${line(stats.openFailed)}`,
      `  opened, a read failed: ${line(stats.readFailed)}`,
      `  check: ${line(stats.check)}`,
      `  repaired copies: ${stats.repairs} (repair refused with a DiskError: ${stats.repairErrors})`,
      `  time per group (ms): ${line(stats.ms)}`,
      `  time per phase (ms): ${line(Object.fromEntries(Object.entries(stats.phaseMs).map(([k, v]) => [k, Math.round(v)])))}`,
      `  peak RSS: ${(stats.maxRss / MiB).toFixed(0)} MiB; violations: ${failures.length}`,
      ...Object.entries(kinds).map(([k, v]) => `    ${v} x ${k}`),
    ].join('\n'),
  );
});

describe('fuzz: thousands of mutated images get clear errors, never a crash, a hang or a huge allocation', () => {
  for (const g of groups) {
    it(`${g.name}: ${g.cases} mutated images`, async () => {
      const started = Date.now();
      const mine: string[] = [];
      for (let i = 0; i < g.cases; i++) {
        const seed = g.seed * 1_000_000 + i;
        if (onlySeed !== null && seed !== onlySeed) continue;
        const r = rng(seed);
        const ops = randomOps(r, g.target().layout);
        try {
          await withTimeout(
            (async () => {
              let t = performance.now();
              const { file, names, bytes, strict } = await g.setup(ops, r);
              stats.phaseMs.write += performance.now() - t;
              t = performance.now();
              const p = await probe(file, names, strict, r);
              stats.phaseMs.probe += performance.now() - t;
              stats.cases++;
              if (p.openError) bump(stats.openFailed, p.openError);
              else if (p.readError) bump(stats.readFailed, p.readError);
              else stats.opened++;
              bump(stats.check, p.check.status);
              if (i % 4 === 0) {
                const target = g.name.startsWith('parent') ? chainFiles.parent : file;
                const copy = target.replace(/\.vhd$/, '-repair.vhd');
                const before = target === file ? p : await probe(target, names, true, rng(seed));
                t = performance.now();
                await probeRepair(bytes, copy, names, before);
                stats.phaseMs.repair += performance.now() - t;
              }
            })(),
            CASE_TIMEOUT_MS,
            `case ${seed}`,
          );
        } catch (e) {
          const why = e instanceof Violation ? e.message : `test harness error: ${describeError(e)}`;
          bump(kinds, why.split(/[:\n]/)[0]!.replace(/\d+/g, 'N').slice(0, 80));
          mine.push(`[${g.name}] seed ${seed}: ${describeOps(ops)}\n    ${why.split('\n').join('\n    ')}`);
          if (why.includes('(hang)')) break; // a hung case may still be touching the files
        }
        stats.maxRss = Math.max(stats.maxRss, process.memoryUsage().rss);
        if (stats.maxRss > RSS_LIMIT) {
          mine.push(`[${g.name}] seed ${seed}: RSS reached ${(stats.maxRss / MiB).toFixed(0)} MiB: ${describeOps(ops)}`);
          break;
        }
      }
      await restoreParent();
      stats.ms[g.name] = Date.now() - started;
      failures.push(...mine);
      const shown = mine.slice(0, 8).join('\n');
      expect(mine.length, `${mine.length} of ${g.cases} cases broke the contract:\n${shown}`).toBe(0);
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// Each kind of bad input named in the issue, with the error a user sees.

let named = 0;

/** Writes `bytes` (a pristine image with `ops` applied) to a fresh file. */
async function damaged(which: Pristine, ops: Op[], name = 'disk.vhd'): Promise<string> {
  const folder = path.join(dir, `named-${named++}`);
  mkdirSync(folder);
  const file = path.join(folder, name);
  await fs.writeFile(file, applyOps(which.bytes, ops));
  return file;
}

/** The DiskError openDisk rejects with (failing the test if it opens or throws anything else). */
async function openError(file: string): Promise<DiskError> {
  let disk: Disk;
  try {
    disk = await openDisk(file);
  } catch (e) {
    if (!isDiskError(e)) throw e;
    expect(e.message).toContain(file);
    return e;
  }
  await disk.close();
  throw new Error(`${file} opened`);
}

const F = (l: ImageLayout) => l.trailingFooter;
const bothFooters = (l: ImageLayout, at: number, bytes: Uint8Array, why: string): Op[] => [
  { kind: 'set', offset: at, bytes, why: `footer copy ${why}` },
  { kind: 'set', offset: F(l) + at, bytes, why: `trailing footer ${why}` },
];
const checksums: Op = { kind: 'checksums', why: 'recomputed' };

function utf16be(text: string, space: number): Uint8Array {
  const out = new Uint8Array(space);
  const be = Buffer.from(text, 'utf16le');
  be.swap16();
  out.set(be.subarray(0, space));
  return out;
}

describe('each kind of bad input gets a clear error', () => {
  it('a truncated file: not a VHD when nothing is left, corrupt when the table is cut, a lost block when data is cut', async () => {
    const dyn = pristine.dyn64;
    const tiny = await damaged(dyn, [{ kind: 'truncate', length: 300, why: 'shorter than a footer' }]);
    expect((await openError(tiny)).code).toBe('NOT_VHD');
    expect((await checkDisk(tiny)).status).toBe('unusable');

    const cutBat = await damaged(dyn, [{ kind: 'truncate', length: dyn.layout.batOffset + 64, why: 'inside the BAT' }]);
    const e = await openError(cutBat);
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/block table .* runs past the end of the file/);
    expect((await checkDisk(cutBat)).status).toBe('unusable');

    // Cut inside the last block: the backup footer at offset 0 still opens the disk, the lost block does not read.
    const last = Math.max(...dyn.layout.blocks);
    const cutData = await damaged(dyn, [{ kind: 'truncate', length: last + 4096, why: 'inside the last block' }]);
    const disk = await openDisk(cutData);
    const lastWrite = 4 * MiB - 512; // the last block allocated (see beforeAll), so the last in the file
    const blockIndex = Math.floor(lastWrite / (64 * KiB));
    await expect(disk.read(new Uint8Array(512), lastWrite)).rejects.toMatchObject({
      code: 'CORRUPT',
      message: expect.stringContaining(cutData),
    });
    await disk.close();
    const report = await checkDisk(cutData);
    expect(report.status).toBe('problems');
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(/trailing footer is missing/);
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(new RegExp(`block ${blockIndex} .* runs past the end`));

    const fixedCut = await damaged(pristine.fixed, [{ kind: 'truncate', length: pristine.fixed.bytes.length - 4096, why: 'footer and data cut' }]);
    expect(['NOT_VHD', 'CORRUPT']).toContain((await openError(fixedCut)).code);
    expect((await checkDisk(fixedCut)).status).toBe('unusable');
  });

  it('a bad footer cookie: refused as not a VHD when both copies are gone, opened from the other copy otherwise', async () => {
    const l = pristine.dyn64.layout;
    const both = await damaged(pristine.dyn64, bothFooters(l, 0, Buffer.from('xonectix'), 'cookie'));
    expect((await openError(both)).code).toBe('NOT_VHD');

    const one = await damaged(pristine.dyn64, [{ kind: 'set', offset: F(l), bytes: Buffer.from('xonectix'), why: 'trailing cookie' }]);
    const disk = await openDisk(one);
    await disk.close();
    const report = await checkDisk(one);
    expect(report.status).toBe('problems');
    expect(report.findings.some((f) => /trailing footer/.test(f.message) && f.repair)).toBe(true);

    const fixed = await damaged(pristine.fixed, [{ kind: 'set', offset: F(pristine.fixed.layout), bytes: Buffer.from('xonectix'), why: 'cookie' }]);
    expect((await openError(fixed)).code).toBe('NOT_VHD');
  });

  it('a bad checksum in both footer copies is corruption, and says so', async () => {
    const l = pristine.dyn64.layout;
    const file = await damaged(pristine.dyn64, [
      { kind: 'xor', offset: 30, mask: 1, why: 'footer copy creator' },
      { kind: 'xor', offset: F(l) + 30, mask: 1, why: 'trailing footer creator' },
    ]);
    const e = await openError(file);
    expect(e.code).toBe('CORRUPT');
    expect(e.message).toMatch(/checksum/);
    expect((await checkDisk(file)).status).toBe('unusable');

    const header = await damaged(pristine.dyn64, [{ kind: 'xor', offset: 512 + 100, mask: 4, why: 'dynamic header parent name' }]);
    const he = await openError(header);
    expect(he.code).toBe('CORRUPT');
    expect(he.message).toMatch(/dynamic header checksum/);
  });

  it('a BAT entry pointing past the end of the file: the disk opens, that block fails to read naming the file, check reports it', async () => {
    const p = pristine.dyn64;
    const sectors = p.bytes.length / 512;
    const file = await damaged(p, [{ kind: 'set', offset: p.layout.batOffset + 5 * 4, bytes: u32(sectors + 1000), why: 'BAT entry 5 past EOF' }]);
    const disk = await openDisk(file);
    try {
      await expect(disk.read(new Uint8Array(4096), 5 * 64 * KiB)).rejects.toMatchObject({
        code: 'CORRUPT',
        message: expect.stringMatching(/lies outside the file/),
      });
      await expect(disk.read(new Uint8Array(4096), 5 * 64 * KiB)).rejects.toThrow(file);
      // The rest of the disk still reads.
      await disk.read(new Uint8Array(64 * KiB), 0);
    } finally {
      await disk.close();
    }
    const report = await checkDisk(file);
    expect(report.status).toBe('problems');
    expect(report.findings.some((f) => f.severity === 'problem' && /block 5 .*runs past the end/.test(f.message))).toBe(true);
  });

  it('absurd sizes are corruption, without allocating them', async () => {
    const p = pristine.dyn64;
    const rss = process.memoryUsage().rss;
    for (const size of [1n << 50n, (1n << 53n) + 512n, (1n << 64n) - 512n]) {
      const file = await damaged(p, [...bothFooters(p.layout, 48, u64(size), 'current size'), checksums]);
      expect((await openError(file)).code).toBe('CORRUPT');
      expect((await checkDisk(file)).status).toBe('unusable');
    }
    const entries = await damaged(p, [{ kind: 'set', offset: 512 + 28, bytes: u32(0xffffffff), why: 'max table entries' }, checksums]);
    expect((await openError(entries)).message).toMatch(/block table/);
    const block = await damaged(p, [{ kind: 'set', offset: 512 + 32, bytes: u32(0x80000000), why: 'block size 2 GiB' }, checksums]);
    expect((await openError(block)).code).toBe('CORRUPT');
    const fixedAt = F(pristine.fixed.layout) + 48;
    const fixed = await damaged(pristine.fixed, [{ kind: 'set', offset: fixedAt, bytes: u64(1n << 40n), why: 'current size' }, checksums]);
    expect((await openError(fixed)).code).toBe('CORRUPT');
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 * MiB);
  });

  /** A fresh parent and child in a folder of their own (the child's absolute locator names that folder). */
  async function freshChain(): Promise<{ parent: string; child: string; childLayout: ImageLayout }> {
    const files = await makeChain(path.join(dir, `named-${named++}`));
    return { ...files, childLayout: imageLayout(new Uint8Array(await fs.readFile(files.child))) };
  }

  async function patch(file: string, ops: Op[]): Promise<void> {
    await fs.writeFile(file, applyOps(new Uint8Array(await fs.readFile(file)), ops));
  }

  it('a missing parent is PARENT_MISSING, naming where Kaso looked', async () => {
    const { parent, child } = await freshChain();
    await fs.rm(parent);
    const e = await openError(child);
    expect(e.code).toBe('PARENT_MISSING');
    expect(e.message).toContain(parent);
    const report = await checkDisk(child);
    expect(report.status).toBe('unusable');
    expect(report.findings[0]?.message).toMatch(/not found/);
  });

  it('a locator pointing outside the file, with the parent missing: PARENT_MISSING that names the damaged locator', async () => {
    const { parent, child, childLayout } = await freshChain();
    await fs.rm(parent);
    const at = childLayout.header! + 576 + 16; // locator 0's data offset
    await patch(child, [{ kind: 'set', offset: at, bytes: u64(childLayout.fileSize * 4), why: 'locator 0 data offset' }, checksums]);
    const e = await openError(child);
    expect(e.code).toBe('PARENT_MISSING');
    expect(e.message).toMatch(/damaged locators: .*parent locator 0 at offset \d+ .* lies outside the file/);
  });

  it('a locator pointing outside the file, with the parent present: opens through the other locator, check reports the damage', async () => {
    const { child, childLayout } = await freshChain();
    const at = childLayout.header! + 576 + 16;
    await patch(child, [{ kind: 'set', offset: at, bytes: u64(1n << 62n), why: 'locator 0 data offset' }, checksums]);
    const disk = await openDisk(child);
    await disk.close();
    const report = await checkDisk(child);
    expect(report.status).toBe('problems');
    expect(report.findings.some((f) => /parent locator 0/.test(f.message))).toBe(true);
  });

  it('a parent with another unique id is PARENT_MISMATCH, never silently used', async () => {
    const { parent, child } = await freshChain();
    await fs.rm(parent);
    await createDynamic(parent, 4 * MiB, 64 * KiB); // same name, same size, different disk
    const e = await openError(child);
    expect(e.code).toBe('PARENT_MISMATCH');
    expect(e.message).toMatch(/reparent/);
    expect((await checkDisk(child)).status).toBe('unusable');

    // The same seen from the child: the id it recorded is damaged (checksum fixed up, so only the id is wrong).
    const other = await freshChain();
    await patch(other.child, [{ kind: 'xor', offset: other.childLayout.header! + 40, mask: 0x80, why: 'parent unique id' }, checksums]);
    expect((await openError(other.child)).code).toBe('PARENT_MISMATCH');
  });

  it('a child that is its own parent is PARENT_LOOP', async () => {
    const { parent, child, childLayout } = await freshChain();
    await fs.rm(parent);
    const ownId = fsBytes(await fs.readFile(child), childLayout.trailingFooter + 68, 16);
    await patch(child, [
      { kind: 'set', offset: childLayout.header! + 40, bytes: ownId, why: 'parent unique id = own id' },
      { kind: 'set', offset: childLayout.header! + 64, bytes: utf16be('child.vhd', 512), why: 'parent name = own name' },
      checksums,
    ]);
    const e = await openError(child);
    expect(e.code).toBe('PARENT_LOOP');
    const report = await checkDisk(child);
    expect(report.status).toBe('unusable');
    expect(report.findings.map((f) => f.message).join('\n')).toMatch(/loop/);
  });

  it('two differencing disks that are each other\'s parent are PARENT_LOOP', async () => {
    const { parent, child, childLayout } = await freshChain();
    const childId = fsBytes(await fs.readFile(child), childLayout.trailingFooter + 68, 16);
    const parentBytes = new Uint8Array(await fs.readFile(parent));
    const pl = imageLayout(parentBytes);
    // The parent becomes a differencing disk whose parent is the child (found by name, beside it).
    await patch(parent, [
      ...bothFooters(pl, 60, u32(4), 'disk type = differencing'),
      { kind: 'set', offset: pl.header! + 40, bytes: childId, why: 'parent unique id = child id' },
      { kind: 'set', offset: pl.header! + 64, bytes: utf16be('child.vhd', 512), why: 'parent name = child.vhd' },
      checksums,
    ]);
    expect((await openError(child)).code).toBe('PARENT_LOOP');
    expect((await openError(parent)).code).toBe('PARENT_LOOP');
    expect((await checkDisk(child)).status).toBe('unusable');
  });

  it('the mutation helper computes checksums the library accepts (so checksum fix-ups test deeper validation)', async () => {
    const bytes = Uint8Array.from(pristine.dyn64.bytes);
    bytes.set(u32(0), 64); // footer copy checksum
    bytes.set(u32(0), 512 + 36); // header checksum
    bytes.set(u32(0), pristine.dyn64.layout.trailingFooter + 64);
    fixChecksums(bytes);
    expect(Buffer.from(bytes).equals(Buffer.from(pristine.dyn64.bytes))).toBe(true);
  });
});

function fsBytes(b: Uint8Array, at: number, n: number): Uint8Array {
  return Uint8Array.from(b.subarray(at, at + n));
}

describe('repairs never invent data where the file ends', () => {
  /** dyn64 with its trailing footer damaged (the copy at offset 0 is sound) and an unallocated BAT entry set to 0xFFFFFFFE. */
  async function lostFooterAndWildBlock(): Promise<{ file: string; size: number }> {
    const p = pristine.dyn64;
    const free = [...Array(p.layout.batEntries).keys()].find(
      (i) => new DataView(p.bytes.buffer, p.bytes.byteOffset).getUint32(p.layout.batOffset + i * 4) === 0xffffffff,
    )!;
    const file = await damaged(p, [
      { kind: 'set', offset: p.layout.batOffset + free * 4, bytes: u32(0xfffffffe), why: `BAT entry ${free} ~2 TiB out` },
      { kind: 'xor', offset: F(p.layout), mask: 1, why: 'trailing footer cookie' },
    ]);
    return { file, size: p.bytes.length };
  }

  it('check --repair restores the footer in place; the block pointing 2 TiB out stays a reported problem', async () => {
    const { file, size } = await lostFooterAndWildBlock();
    const before = await checkDisk(file);
    expect(before.findings.some((f) => /runs past the end/.test(f.message) && !f.repair)).toBe(true);
    try {
      await checkDisk(file, { repair: true });
      expect((await fs.stat(file)).size).toBeLessThanOrEqual(size + REPAIR_GROWTH_LIMIT);
      expect((await checkDisk(file)).findings.some((f) => /runs past the end/.test(f.message))).toBe(true);
    } finally {
      await fs.rm(file, { force: true }); // never leave a terabyte-sized sparse file behind
    }
  });

  it('check --repair on a file cut inside its blocks keeps reporting the lost blocks, which still fail to read', async () => {
    const p = pristine.dyn64;
    const file = await damaged(p, [{ kind: 'truncate', length: p.layout.blocks[1]! + 100, why: 'cut inside the second block' }]);
    const before = await checkDisk(file);
    expect(before.findings.filter((f) => /runs past the end of the data/.test(f.message) && !f.repair).length).toBeGreaterThan(1);
    await checkDisk(file, { repair: true });
    const after = await checkDisk(file);
    expect(after.status).toBe('problems');
    expect(after.findings.some((f) => /runs past the end of the data/.test(f.message))).toBe(true);
    const disk = await openDisk(file);
    try {
      // The last block written (see beforeAll) was cut off: its sectors are lost, not zeros.
      await expect(disk.read(new Uint8Array(512), 4 * MiB - 512)).rejects.toMatchObject({ code: 'CORRUPT' });
    } finally {
      await disk.close();
    }
  });

  it('opening such a disk for writing does not grow the file to where the bad entry points', async () => {
    const { file, size } = await lostFooterAndWildBlock();
    try {
      const disk = await openDisk(file, { writable: true }).catch((e: unknown) => {
        expect(isDiskError(e)).toBe(true);
        return null;
      });
      await disk?.close();
      expect((await fs.stat(file)).size).toBeLessThanOrEqual(size + REPAIR_GROWTH_LIMIT);
    } finally {
      await fs.rm(file, { force: true });
    }
  });
});
