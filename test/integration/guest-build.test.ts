import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { buildGuestScript, testGuest, testGuestMissing, type GuestArch, type TestGuest } from '../helpers/guest.js';
import { announceSkip } from '../helpers/peers.js';
import { built, kaso } from '../helpers/processes.js';
import { tempDir } from '../helpers/temp-dir.js';

// Builds each guest on first use (under a minute from Debian packages), then it is cached. One after the
// other: two first builds at once would run apt at the same time.
const guests: Record<GuestArch, TestGuest | null> = { i386: await testGuest('i386'), amd64: await testGuest('amd64') };
announceSkip('test guest', testGuestMissing('i386'));
announceSkip('amd64 test guest', testGuestMissing('amd64'));

const qemu = 'qemu-system-x86_64';
const qemuMissing =
  spawnSync(qemu, ['--version']).status === 0 ? null : `${qemu} not installed (Debian package qemu-system-x86)`;
if (guests.amd64) announceSkip('amd64 test guest in QEMU', qemuMissing);

const kernelPackage: Record<GuestArch, RegExp> = { i386: /^linux-image-.*-686$/, amd64: /^linux-image-.*-amd64$/ };
// Made here, not in a test: the cleanup tempDir registers only runs when registered outside the tests.
const scratch = tempDir('guest');

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

/**
 * QEMU started directly, not through Kaso's engine, under TCG (KVM cannot be trusted on every test machine): an
 * i440fx PC with IDE, 256 MiB, COM1 on stdio and nothing else attached but what `args` adds.
 */
class QemuGuest {
  /** Everything COM1 printed so far. */
  output = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private exit: string | undefined;
  private readonly started = Date.now();

  constructor(args: string[]) {
    const machine = ['-machine', 'pc', '-accel', 'tcg', '-m', '256', '-nodefaults', '-vga', 'none', '-display', 'none'];
    // -no-reboot: a guest that crashes into a reset ends QEMU, which fails the wait at once.
    this.child = spawn(qemu, [...machine, '-no-reboot', '-serial', 'stdio', ...args]);
    this.child.stdout.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    this.child.stderr.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.child.on('exit', (code, signal) => (this.exit = `exited with ${signal ?? code}`));
  }

  /** Waits for the init's marker and then the shell's prompt; gives the milliseconds since QEMU started. */
  async ready(): Promise<number> {
    await this.waitFor(/KASO-GUEST-READY/);
    const ms = Date.now() - this.started;
    // Typing before the shell has opened ttyS0 would be lost.
    await this.waitFor(/kaso-guest# /, this.output.indexOf('KASO-GUEST-READY'));
    return ms;
  }

  /** Runs a command in the ttyS0 shell and gives what it printed. */
  async run(command: string): Promise<string> {
    const from = this.output.length;
    // The guest computes the end marker, so the terminal's echo of the typed line does not match it.
    this.child.stdin.write(`${command}; echo kaso-done-$((40 + 2))\n`);
    const text = await this.waitFor(/kaso-done-42/, from, 30_000);
    return text.slice(text.indexOf('\n') + 1, text.lastIndexOf('kaso-done-42'));
  }

  async stop(): Promise<void> {
    if (this.exit) return;
    const closed = new Promise((resolve) => this.child.once('close', resolve));
    this.child.kill('SIGKILL');
    await closed;
  }

  private async waitFor(pattern: RegExp, from = 0, ms = 90_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!pattern.test(this.output.slice(from))) {
      if (this.exit || Date.now() > deadline) {
        const why = this.exit ?? `nothing after ${ms} ms`;
        const tail = this.output.slice(-3000);
        throw new Error(`QEMU never printed ${pattern} (${why}); stderr: ${this.stderr}\nCOM1:\n${tail}`);
      }
      await sleep(50);
    }
    return this.output.slice(from);
  }
}

for (const arch of ['i386', 'amd64'] as const) {
  const guest = guests[arch];
  describe.skipIf(!guest)(`the ${arch} test guest (test/guest/build-guest.sh ${arch})`, () => {
    const g = guest!;

    it('writes every file its manifest names, from Debian packages pinned by version', () => {
      for (const file of [g.kernel, g.initrd, g.iso, g.vhd, g.rawImage]) {
        expect(existsSync(file), file).toBe(true);
        expect(statSync(file).size, file).toBeGreaterThan(0);
      }
      expect(g.cmdline).toContain('console=ttyS0');
      expect(g.arch).toBe(arch);
      // Only the newer architectures say theirs: an i386 manifest stays as it always was.
      expect(JSON.parse(readFileSync(g.manifest, 'utf8')).arch).toBe(arch === 'i386' ? undefined : arch);
      const kernel = Object.keys(g.packages).find((name) => kernelPackage[arch].test(name));
      expect(kernel, JSON.stringify(g.packages)).toBeDefined();
      expect(g.packages[kernel!]).toMatch(/^\d/);
      expect(g.packages['busybox-static']).toMatch(/^\d/);
      // An ISO 9660 volume, and a disk whose MBR has one bootable FAT16 partition.
      expect(readFileSync(g.iso).subarray(0x8001, 0x8006).toString('latin1')).toBe('CD001');
      const mbr = readFileSync(g.rawImage).subarray(0, 512);
      expect(mbr.readUInt16LE(510)).toBe(0xaa55);
      expect(mbr[446]).toBe(0x80); // bootable
      expect(mbr[446 + 4]).toBe(0x06); // FAT16
    });

    it('is reused when nothing changed: a second run builds nothing', () => {
      // i386 without an argument: existing callers of the script rely on that default.
      const args = arch === 'i386' ? [buildGuestScript] : [buildGuestScript, arch];
      const again = spawnSync('bash', args, { encoding: 'utf8' });
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout.trim().split('\n').at(-1)).toBe(g.manifest);
      expect(JSON.parse(readFileSync(g.manifest, 'utf8')).built).toBe(g.built);
    });

    it('has a VHD that kaso disk check finds clean', () => {
      const checked = kaso(['disk', 'check', g.vhd]);
      expect(checked.status, checked.stdout + checked.stderr).toBe(0);
    });

    it('has a VHD that converts back to exactly the raw disk image', () => {
      const raw = path.join(scratch, `${arch}-back.img`);
      const converted = kaso(['disk', 'convert', g.vhd, raw, '--type', 'raw']);
      expect(converted.status, converted.stderr).toBe(0);
      expect(statSync(raw).size).toBe(statSync(g.rawImage).size);
      expect(readFileSync(raw).equals(readFileSync(g.rawImage))).toBe(true);
    });
  });
}

describe.skipIf(!guests.i386)('the i386 test guest in bare v86', () => {
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

describe.skipIf(!guests.amd64 || qemuMissing)('the amd64 test guest in QEMU (TCG)', () => {
  const g = guests.amd64!;

  it('boots its kernel directly to the marker, and its ttyS0 shell answers: a 64-bit guest', async () => {
    const vm = new QemuGuest(['-kernel', g.kernel, '-initrd', g.initrd, '-append', g.cmdline]);
    try {
      console.log(`[guest] QEMU TCG amd64 kernel boot: ready after ${await vm.ready()} ms`);
      expect(await vm.run('echo "arch=$(uname -m)"')).toMatch(/^arch=x86_64\r?$/m);
    } finally {
      await vm.stop();
    }
  });

  it('boots its raw disk through SeaBIOS and syslinux, with the FAT partition at /mnt', async () => {
    // A copy: the guest mounts the partition read-write, and the cached image is shared.
    const disk = path.join(scratch, 'amd64-disk.img');
    copyFileSync(g.rawImage, disk);
    const vm = new QemuGuest(['-drive', `file=${disk},format=raw,if=ide,index=0`]);
    try {
      console.log(`[guest] QEMU TCG amd64 disk boot: ready after ${await vm.ready()} ms`);
      // syslinux puts BOOT_IMAGE first: the kernel came from the disk, not from QEMU.
      expect(await vm.run('cat /proc/cmdline')).toMatch(/^BOOT_IMAGE=\/vmlinuz initrd=\/initrd\.gz console=ttyS0/m);
      expect(await vm.run('grep " /mnt " /proc/mounts')).toMatch(/^\/dev\/sda1 \/mnt vfat rw/m);
      expect((await vm.run('ls /mnt')).split(/\s+/)).toContain('vmlinuz');
    } finally {
      await vm.stop();
    }
  });
});
