import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDifferencing, createDynamic, createFixed, openDisk, type Disk } from '../../main/disk/index.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { announceSkip, missingVhdimount } from '../helpers/peers.js';
import { pattern, randomInt, rng } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';
import { readThroughVhdimount, vhdiinfoMediaSize } from '../helpers/vhdimount.js';

const missing = missingVhdimount();
announceSkip('vhdimount peer tests', missing);
const MiB = 1024 * 1024;

/** Writes the way a guest does: pages, single sectors, odd sizes, across block boundaries. */
async function guestWrites(disk: Disk, seed: number, count: number): Promise<void> {
  const next = rng(seed);
  for (let i = 0; i < count; i++) {
    const odd = next() < 0.3;
    const length = odd ? 1 + randomInt(next, 9000) : (1 + randomInt(next, 32)) * 4096;
    const offset = odd ? randomInt(next, disk.size - length) : randomInt(next, (disk.size - length) / 4096) * 4096;
    await disk.write(pattern(seed * 10_000 + i, length), offset);
  }
}

async function expectVhdimountAgrees(file: string, dir: string): Promise<void> {
  const disk = await openDisk(file);
  const ours = await readAll(disk);
  await disk.close();
  expect(vhdiinfoMediaSize(file)).toBe(ours.length);
  expect(firstDifference(readThroughVhdimount(file, dir), ours)).toBe(-1);
}

describe.skipIf(missing)('libvhdi (vhdimount) as a peer', () => {
  const dir = tempDir('vhdi');

  it('reads Kaso fixed and dynamic disks byte-identical at the same size', async () => {
    for (const [name, create] of [
      ['fixed', (f: string) => createFixed(f, 10 * MiB)],
      ['dynamic', (f: string) => createDynamic(f, 10 * MiB, 512 * 1024)],
    ] as const) {
      const file = path.join(dir, `${name}.vhd`);
      await create(file);
      const disk = await openDisk(file, { writable: true });
      await guestWrites(disk, name.length, 60);
      await disk.close();
      await expectVhdimountAgrees(file, dir);
    }
  });

  // libvhdi 20210425 looks for a parent only beside its child (by name), so the chain shares one folder here;
  // Kaso's own tests cover parents in other folders through the relative and absolute locators.
  it('follows a Kaso differencing chain four deep with a branch, byte-identical at every leaf', async () => {
    const chainDir = path.join(dir, 'vms');
    mkdirSync(chainDir);
    const gold = path.join(chainDir, 'gold.vhd');
    await createDynamic(gold, 24 * MiB, 1 * MiB);
    let d = await openDisk(gold, { writable: true });
    await guestWrites(d, 1, 80);
    await d.close();
    const names = ['gen1', 'gen2', 'gen3'];
    let parent = gold;
    for (const [i, n] of names.entries()) {
      const child = path.join(chainDir, `${n}.vhd`);
      await createDifferencing(child, parent);
      d = await openDisk(child, { writable: true });
      await guestWrites(d, 10 + i, 50);
      await d.close();
      parent = child;
    }
    const branch = path.join(chainDir, 'branch.vhd');
    await createDifferencing(branch, path.join(chainDir, 'gen1.vhd'));
    d = await openDisk(branch, { writable: true });
    await guestWrites(d, 99, 50);
    await d.close();

    for (const leaf of [path.join(chainDir, 'gen3.vhd'), branch, path.join(chainDir, 'gen1.vhd')]) await expectVhdimountAgrees(leaf, dir);
  }, 60_000);
});
