import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildGuestScript, testGuest, testGuestMissing } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { built, kaso } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

// Builds the guest on first use (a minute or two from Debian packages), then it is cached.
const guest = await testGuest();
announceSkip('test guest', testGuestMissing());

interface BootResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled bare-v86 boot script the way a person would from a shell. */
function bootBare(mode: 'iso' | 'disk' | 'kernel'): Promise<BootResult> {
  const child = spawn(process.execPath, [built('test/guest/boot-bare-v86.js'), mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, KASO_BOOT_TIMEOUT_MS: '120000' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.skipIf(!guest)('the test guest (test/guest/build-guest.sh)', () => {
  const g = guest!;

  it('writes every file its manifest names, from Debian packages pinned by version', () => {
    for (const file of [g.kernel, g.initrd, g.iso, g.vhd, g.rawImage]) {
      expect(existsSync(file), file).toBe(true);
      expect(statSync(file).size, file).toBeGreaterThan(0);
    }
    expect(g.cmdline).toContain('console=ttyS0');
    const kernelPackage = Object.keys(g.packages).find((name) => /^linux-image-.*-686$/.test(name));
    expect(kernelPackage, JSON.stringify(g.packages)).toBeDefined();
    expect(g.packages[kernelPackage!]).toMatch(/^\d/);
    expect(g.packages['busybox-static']).toMatch(/^\d/);
    // An ISO 9660 volume, and a disk whose MBR has one bootable FAT16 partition.
    expect(readFileSync(g.iso).subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
    const mbr = readFileSync(g.rawImage).subarray(0, 512);
    expect(mbr.readUInt16LE(510)).toBe(0xaa55);
    expect(mbr[446]).toBe(0x80); // bootable
    expect(mbr[446 + 4]).toBe(0x06); // FAT16
  });

  it('is reused when nothing changed: a second run builds nothing', () => {
    const again = spawnSync('bash', [buildGuestScript], { encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout.trim().split('\n').at(-1)).toBe(g.manifest);
    expect(JSON.parse(readFileSync(g.manifest, 'utf8')).built).toBe(g.built);
  });

  it('has a VHD that kaso disk check finds clean', () => {
    const checked = kaso(['disk', 'check', g.vhd]);
    expect(checked.status, checked.stdout + checked.stderr).toBe(0);
  });

  it('has a VHD that converts back to exactly the raw disk image', () => {
    const raw = path.join(tempDir('guest'), 'back.img');
    const converted = kaso(['disk', 'convert', g.vhd, raw, '--type', 'raw']);
    expect(converted.status, converted.stderr).toBe(0);
    expect(statSync(raw).size).toBe(statSync(g.rawImage).size);
    expect(readFileSync(raw).equals(readFileSync(g.rawImage))).toBe(true);
  });

  it.each(['iso', 'disk', 'kernel'] as const)(
    'boots in bare v86 from %s to the shell prompt, which answers a command',
    async (mode) => {
      const result = await bootBare(mode);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout.trim().split('\n').at(-1)!);
      console.log(`[guest] bare v86 ${mode}: ${JSON.stringify(report)}`);
      expect(report).toMatchObject({ mode, ready: true, com2: true });
      expect(report.msToPrompt).toBeGreaterThan(0);
    },
    150_000,
  );
});
