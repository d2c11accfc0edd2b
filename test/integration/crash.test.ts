import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDisk, createDifferencing, createDynamic, createFixed, openDisk, type Disk } from '../../main/disk/index.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { kaso, runWriterAndKill } from '../helpers/processes.js';
import { pattern, randomInt, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { plannedWrite } from '../helpers/write-plan.js';

const MiB = 1024 * 1024;
const dir = tempDir('crash');
let n = 0;
const fresh = (name: string) => path.join(dir, `${n++}-${name}`);

async function contents(file: string): Promise<Uint8Array> {
  const d = await openDisk(file);
  try {
    return await readAll(d);
  } finally {
    await d.close();
  }
}

async function write(file: string, fn: (d: Disk) => Promise<void>): Promise<void> {
  const d = await openDisk(file, { writable: true });
  await fn(d);
  await d.close();
}

/** After a crash, `check --repair` must leave the disk clean (it may have had to fix something). */
async function expectRepairable(file: string): Promise<void> {
  const report = await checkDisk(file, { repair: true });
  expect(report.findings.filter((f) => f.severity !== 'note'), `${file}: ${JSON.stringify(report)}`).toEqual([]);
}

/**
 * Every sector holds what the acknowledged writes put there, or what one of the writes in flight (after the
 * last acknowledged flush) put there: nothing else, and never garbage.
 */
function expectDurable(actual: Uint8Array, base: Uint8Array, seed: number, flushed: number, perFlush: number): void {
  const acknowledged = base.slice();
  for (let j = 0; j < flushed; j++) {
    const w = plannedWrite(seed, j, base.length);
    acknowledged.set(w.data, w.offset);
  }
  if (firstDifference(actual, acknowledged) === -1) return;
  const inFlight = Array.from({ length: perFlush + 1 }, (_, k) => plannedWrite(seed, flushed + k, base.length));
  for (let s = 0; s < actual.length; s += 512) {
    const got = actual.subarray(s, s + 512);
    if (firstDifference(got, acknowledged.subarray(s, s + 512)) === -1) continue;
    const fromFlight = inFlight.some(
      (w) => s >= w.offset && s < w.offset + w.length && firstDifference(got, w.data.subarray(s - w.offset, s - w.offset + 512)) === -1,
    );
    expect(fromFlight, `sector ${s / 512} holds data no write put there (seed ${seed}, flushed ${flushed})`).toBe(true);
  }
}

describe('kill -9 while a process writes', () => {
  const perFlush = 6;
  for (const kind of ['dynamic', 'differencing'] as const) {
    it(`${kind}: at 30 random moments, the disk opens, checks clean after repair, and keeps every flushed write`, async () => {
      const template = fresh(`${kind}-template.vhd`);
      let base: Uint8Array = new Uint8Array(0);
      if (kind === 'dynamic') await createDynamic(template, 16 * MiB, 64 * 1024);
      else {
        const parent = fresh('parent.vhd');
        await createDynamic(parent, 16 * MiB, 64 * 1024);
        await write(parent, async (d) => {
          for (let i = 0; i < 40; i++) await d.write(pattern(100 + i, 64 * 1024), i * 400 * 1024);
        });
        await createDifferencing(template, parent);
      }
      base = await contents(template);
      const next = rng(kind.length);
      for (let round = 0; round < 30; round++) {
        const file = template.replace('template', `round-${round}`);
        copyFileSync(template, file);
        const seed = round + 1;
        const killed = await runWriterAndKill(file, seed, perFlush, 20 + randomInt(next, 400));
        expect(killed.signal).toBe('SIGKILL');
        await expectRepairable(file);
        expectDurable(await contents(file), base, seed, killed.flushed, perFlush);
      }
    }, 240_000);
  }
});

/** Runs a CLI operation killed right after its k-th disk write, for k = 1, 2, ... until it completes. */
function crashPoints(args: string[], prepare: () => void, verify: (k: number, completed: boolean) => Promise<void>, max = 400) {
  return async () => {
    let k = 1;
    for (; k <= max; k++) {
      prepare();
      const r = kaso(args, { KASO_CRASH_AFTER_WRITES: String(k) });
      const completed = r.status === 0;
      if (!completed) expect(r.signal, `crash point ${k}: ${r.stderr}`).toBe('SIGKILL');
      await verify(k, completed);
      if (completed) break;
    }
    expect(k, 'the operation never completed').toBeLessThanOrEqual(max);
  };
}

describe('kill -9 between any two writes of a disk operation', () => {
  it('compact: the disk always reads the same and checks clean after repair', async () => {
    const original = fresh('compact-orig.vhd');
    await createDynamic(original, 4 * MiB, 64 * 1024);
    await write(original, async (d) => {
      await d.write(pattern(1, 4 * MiB), 0);
      for (let i = 0; i < 64; i += 3) await d.write(new Uint8Array(64 * 1024), i * 64 * 1024);
    });
    const expected = await contents(original);
    const file = fresh('compact.vhd');
    await crashPoints(
      ['disk', 'compact', file],
      () => copyFileSync(original, file),
      async () => {
        await expectRepairable(file);
        expect(firstDifference(await contents(file), expected)).toBe(-1);
      },
    )();
  }, 240_000);

  it('merge: the chain (or, once merged, the parent) always reads the same; a rerun finishes the job', async () => {
    const folder = fresh('merge');
    mkdirSync(folder);
    const originals = fresh('merge-originals'); // elsewhere: a copy of the child beside the parent is a dependent
    mkdirSync(originals);
    const parentOrig = path.join(originals, 'parent.vhd');
    const childOrig = path.join(originals, 'child.vhd');
    const parent = path.join(folder, 'parent.vhd');
    const child = path.join(folder, 'child.vhd');
    await createDynamic(parent, 4 * MiB, 64 * 1024);
    await write(parent, (d) => d.write(pattern(2, 2 * MiB), MiB));
    await createDifferencing(child, parent);
    await write(child, async (d) => {
      for (let i = 0; i < 20; i++) await d.write(pattern(30 + i, 5000), i * 190_000 + 777);
    });
    const expected = await contents(child);
    copyFileSync(parent, parentOrig);
    copyFileSync(child, childOrig);
    await crashPoints(
      ['disk', 'merge', child],
      () => {
        copyFileSync(parentOrig, parent);
        copyFileSync(childOrig, child);
      },
      async (_k, completed) => {
        await expectRepairable(parent);
        if (existsSync(child)) {
          expect(completed).toBe(false);
          await expectRepairable(child);
          expect(firstDifference(await contents(child), expected)).toBe(-1);
          expect(kaso(['disk', 'merge', child]).status).toBe(0); // finishing the interrupted merge
        }
        expect(firstDifference(await contents(parent), expected)).toBe(-1);
      },
    )();
  }, 240_000);

  for (const kind of ['dynamic', 'fixed'] as const) {
    it(`expand (${kind}): old data intact, size old or new, checks clean after repair`, async () => {
      const original = fresh(`expand-${kind}.orig`);
      if (kind === 'dynamic') await createDynamic(original, MiB, 64 * 1024);
      else await createFixed(original, MiB);
      await write(original, (d) => d.write(pattern(3, 512 * 1024), 256 * 1024));
      const before = await contents(original);
      const file = fresh(`expand-${kind}.vhd`);
      await crashPoints(
        ['disk', 'expand', file, '--size', '8M'],
        () => copyFileSync(original, file),
        async (_k, completed) => {
          await expectRepairable(file);
          const after = await contents(file);
          expect(firstDifference(after.subarray(0, before.length), before)).toBe(-1);
          expect(after.length === before.length || after.length >= 8 * MiB).toBe(true);
          if (completed) expect(after.subarray(before.length).every((b) => b === 0)).toBe(true);
        },
      )();
    }, 240_000);
  }

  it('convert: the source is untouched and the output either absent or complete', async () => {
    const source = fresh('convert-src.vhd');
    await createDynamic(source, 4 * MiB, 64 * 1024);
    await write(source, (d) => d.write(pattern(4, 3 * MiB), 100 * 1024));
    const expected = await contents(source);
    const out = fresh('convert-out.vhd');
    await crashPoints(
      ['disk', 'convert', source, out, '--type', 'dynamic', '--block-size', '64K'],
      () => readdirSync(dir).filter((f) => f.startsWith(path.basename(out))).forEach((f) => rmSync(path.join(dir, f), { force: true })),
      async (_k, completed) => {
        expect(firstDifference(await contents(source), expected)).toBe(-1);
        expect(existsSync(out)).toBe(completed);
        if (completed) expect(firstDifference((await contents(out)).subarray(0, expected.length), expected)).toBe(-1);
      },
    )();
  }, 240_000);
});
