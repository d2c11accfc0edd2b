import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertDisk, createDynamic, createFixed, openDisk } from '../../main/disk/index.js';
import { firstDifference, readAll } from '../helpers/model.js';
import { announceSkip, missingQemuImg, run } from '../helpers/peers.js';
import { pattern } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const missing = missingQemuImg();
announceSkip('qemu-img peer tests', missing);
const MiB = 1024 * 1024;

function qemuVirtualSize(file: string): number {
  return (JSON.parse(run('qemu-img', ['info', '-f', 'vpc', '--output=json', file])) as { 'virtual-size': number })['virtual-size'];
}

/** Writes with qemu-io: whole sectors, partial blocks, runs across block boundaries. */
function fillWithQemuIo(file: string): void {
  const cmds = ['write -P 0xab 0 1M', 'write -P 0x12 5M 300k', 'write -P 0x34 2047k 4k', 'write -P 0x56 33M 3M', 'write -P 0x78 63M 512'];
  run('qemu-io', ['-f', 'vpc', ...cmds.flatMap((c) => ['-c', c]), file]);
}

describe.skipIf(missing)('qemu-img as a peer', () => {
  const dir = tempDir('qemu');

  for (const variant of [
    { name: 'dynamic', opts: 'subformat=dynamic' },
    { name: 'fixed', opts: 'subformat=fixed' },
    { name: 'dynamic with force_size (creator qem2)', opts: 'subformat=dynamic,force_size=on' },
  ]) {
    it(`reads a ${variant.name} disk made by qemu-img byte-identical, at qemu-img's size`, async () => {
      const file = path.join(dir, `q-${variant.name.replace(/\W+/g, '-')}.vhd`);
      run('qemu-img', ['create', '-q', '-f', 'vpc', '-o', variant.opts, file, '64M']);
      fillWithQemuIo(file);
      const raw = `${file}.raw`;
      run('qemu-img', ['convert', '-f', 'vpc', '-O', 'raw', file, raw]);
      const disk = await openDisk(file);
      expect(disk.size).toBe(qemuVirtualSize(file));
      expect(firstDifference(await readAll(disk), readFileSync(raw))).toBe(-1);
      await disk.close();
    });
  }

  it('passes qemu-img compare: Kaso fixed and dynamic disks hold exactly the expected raw image', async () => {
    const expected = new Uint8Array(20 * MiB);
    expected.set(pattern(1, 3 * MiB), 0);
    expected.set(pattern(2, 5000), 7 * MiB + 123);
    expected.set(pattern(3, 2 * MiB), 18 * MiB);
    const rawFile = path.join(dir, 'expected.raw');
    writeFileSync(rawFile, expected);
    for (const [name, create] of [
      ['fixed', (f: string) => createFixed(f, expected.length)],
      ['dynamic', (f: string) => createDynamic(f, expected.length)],
      ['dynamic-64k', (f: string) => createDynamic(f, expected.length, 64 * 1024)],
    ] as const) {
      const file = path.join(dir, `kaso-${name}.vhd`);
      await create(file);
      const disk = await openDisk(file, { writable: true });
      await disk.write(expected.subarray(0, 3 * MiB), 0);
      await disk.write(expected.subarray(7 * MiB + 123, 7 * MiB + 123 + 5000), 7 * MiB + 123);
      await disk.write(expected.subarray(18 * MiB), 18 * MiB);
      await disk.close();
      // Exit status 0 means identical (qemu-img also requires the extra CHS rounding to read as zeros).
      const out = run('qemu-img', ['compare', '-f', 'vpc', '-F', 'raw', file, rawFile]);
      expect(out).toMatch(/identical/);
      expect(qemuVirtualSize(file)).toBe(disk.size);
    }
  });

  it('converts raw to fixed and dynamic so qemu-img reads them back identical', async () => {
    const source = path.join(dir, 'source.raw');
    const data = new Uint8Array(12 * MiB);
    data.set(pattern(9, 4 * MiB), 2 * MiB);
    writeFileSync(source, data);
    for (const type of ['fixed', 'dynamic'] as const) {
      const out = path.join(dir, `converted-${type}.vhd`);
      await convertDisk(source, out, { type });
      expect(run('qemu-img', ['compare', '-f', 'vpc', '-F', 'raw', out, source])).toMatch(/identical/);
    }
  }, 60_000);
});
