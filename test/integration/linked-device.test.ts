import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hostDeviceInfo, probeSize } from '../../native-shims/raw-device.js';
import { createLinked, diskInfo, openDisk } from '../../main/disk/index.js';
import { firstDifference } from '../helpers/model.js';
import { announceSkip } from '../helpers/peers.js';
import { pattern } from '../helpers/random.js';
import { tempDir } from '../helpers/temp-dir.js';

const dir = tempDir('linked');
const backing = path.join(dir, 'drive.img');
writeFileSync(backing, '');
truncateSync(backing, 24 * 1024 * 1024 + 512 * 3); // an odd size, to catch off-by-one sector arithmetic

function attachLoop(): string | null {
  const r = spawnSync('losetup', ['-f', '--show', backing], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}
const loop = attachLoop();
const missing = loop ? null : 'no loop device could be attached (needs root and losetup from util-linux)';
announceSkip('linked physical drive tests', missing);
afterAll(() => {
  if (loop) execFileSync('losetup', ['-d', loop]);
});

describe.skipIf(missing)('a linked physical drive (a loop device standing in for one)', () => {
  it('is sized from the system and by probing reads alike', async () => {
    const expected = 24 * 1024 * 1024 + 512 * 3;
    expect(await hostDeviceInfo(loop!)).toEqual({ size: expected, isBlockDevice: true });
    expect(await probeSize(loop!)).toBe(expected); // the fallback used where sysfs does not exist
  });

  it('is read and written in place through its placeholder', async () => {
    const link = path.join(dir, 'drive.vhdlink');
    await createLinked(link, loop!);
    expect(await diskInfo(link)).toMatchObject({ type: 'linked', target: loop, virtualSize: 24 * 1024 * 1024 + 1536 });
    const disk = await openDisk(link, { writable: true });
    await disk.write(pattern(1, 70_000), 1_000_000);
    await disk.flush();
    await disk.close();
    const onDrive = readFileSync(backing).subarray(1_000_000, 1_070_000);
    expect(firstDifference(onDrive, pattern(1, 70_000))).toBe(-1);
  });
});
