import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDifferencing, createDynamic, createFixed, openDisk, type Disk } from '../../main/disk/index.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { pattern, randomInt, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const MiB = 1024 * 1024;
const dir = tempDir('io');

/** Applies random writes (aligned and not, crossing blocks) to a disk and to an in-memory model. */
async function scribble(disk: Disk, model: Uint8Array, seed: number, writes: number, span = disk.size): Promise<void> {
  const next = rng(seed);
  for (let i = 0; i < writes; i++) {
    const aligned = next() < 0.5;
    let length = aligned ? (1 + randomInt(next, 64)) * 512 : 1 + randomInt(next, 200_000);
    let offset = aligned ? randomInt(next, span / 512) * 512 : randomInt(next, span);
    length = Math.min(length, disk.size - offset);
    if (length <= 0) continue;
    const data = pattern(seed * 1000 + i, length);
    await disk.write(data, offset);
    model.set(data, offset);
    offset += length;
  }
}

async function expectSame(disk: Disk, model: Uint8Array): Promise<void> {
  expect(firstDifference(await readAll(disk), model)).toBe(-1);
}

describe('reads and writes at any offset and length', () => {
  for (const [label, make] of [
    ['fixed', (f: string) => createFixed(f, 8 * MiB)],
    ['dynamic, 2 MiB blocks', (f: string) => createDynamic(f, 8 * MiB)],
    ['dynamic, 64 KiB blocks', (f: string) => createDynamic(f, 8 * MiB, 64 * 1024)],
  ] as const) {
    it(`${label}: what was written reads back, also after reopening`, async () => {
      const file = path.join(dir, `${label.replace(/\W+/g, '-')}.vhd`);
      await make(file);
      const disk = await openDisk(file, { writable: true });
      const model = new Uint8Array(disk.size);
      await scribble(disk, model, 7, 200);
      await expectSame(disk, model);
      await disk.close();
      const again = await openDisk(file);
      await expectSame(again, model);
      await again.close();
    });
  }

  it('a differencing chain with a branch: each child sees its parent plus its own writes only', async () => {
    const base = path.join(dir, 'base.vhd');
    await createDynamic(base, 6 * MiB, 512 * 1024);
    let d = await openDisk(base, { writable: true });
    const baseModel = new Uint8Array(d.size);
    await scribble(d, baseModel, 1, 100);
    await d.close();

    const mid = path.join(dir, 'mid.vhd');
    await createDifferencing(mid, base);
    d = await openDisk(mid, { writable: true });
    const midModel = baseModel.slice();
    await scribble(d, midModel, 2, 100);
    await d.close();

    const [left, right] = [path.join(dir, 'left.vhd'), path.join(dir, 'right.vhd')];
    await createDifferencing(left, mid);
    await createDifferencing(right, mid);
    const l = await openDisk(left, { writable: true });
    const r = await openDisk(right, { writable: true });
    const leftModel = midModel.slice();
    const rightModel = midModel.slice();
    await scribble(l, leftModel, 3, 80);
    await scribble(r, rightModel, 4, 80);
    await expectSame(l, leftModel);
    await expectSame(r, rightModel);
    expect(l.parent?.parent?.path).toBe(base);
    await l.close();
    await r.close();
    // The shared ancestors were never written through the children.
    const m = await openDisk(mid);
    await expectSame(m, midModel);
    await m.close();
  });

  it('concurrent requests stay consistent: each read sees exactly the writes issued before it', async () => {
    const file = path.join(dir, 'concurrent.vhd');
    await createDynamic(file, 4 * MiB, 64 * 1024);
    const disk = await openDisk(file, { writable: true });
    const model = new Uint8Array(disk.size);
    const next = rng(99);
    const pending: Promise<void>[] = [];
    const checks: Promise<void>[] = [];
    for (let i = 0; i < 400; i++) {
      const offset = randomInt(next, disk.size - 70_000);
      const length = 1 + randomInt(next, 70_000);
      if (next() < 0.6) {
        const data = pattern(5000 + i, length);
        model.set(data, offset);
        pending.push(disk.write(data, offset));
      } else {
        const expected = model.slice(offset, offset + length);
        const got = new Uint8Array(length);
        checks.push(disk.read(got, offset).then(() => expect(firstDifference(got, expected)).toBe(-1)));
      }
    }
    await Promise.all([...pending, ...checks]);
    await expectSame(disk, model);
    await disk.close();
  });

  it('refuses requests outside the disk and writes to a read-only disk, naming the file', async () => {
    const file = path.join(dir, 'bounds.vhd');
    await createDynamic(file, MiB);
    const ro = await openDisk(file);
    await expect(ro.read(new Uint8Array(1024), ro.size - 512)).rejects.toThrow(/bounds\.vhd: request at .* is outside the disk/);
    await expect(ro.write(new Uint8Array(512), 0)).rejects.toThrow(/read-only/);
    await ro.close();
  });

  it('writing zeros into a dynamic disk allocates nothing', async () => {
    const file = path.join(dir, 'zeros.vhd');
    await createDynamic(file, 8 * MiB);
    const disk = await openDisk(file, { writable: true });
    await disk.write(new Uint8Array(4 * MiB), 0);
    expect(disk.mayHoldData(0, disk.size)).toBe(false);
    await disk.close();
  });
});
