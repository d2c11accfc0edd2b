import { createConnection } from 'node:net';
import { existsSync, openSync, readFileSync, closeSync, writeSync, readSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { VmDetails } from '../../main/api/requests.js';
import { testGuest, testGuestMissing, type TestGuest } from '../helpers/guest.js';
import { startHost, type Harness } from '../helpers/host-harness.js';
import { announceSkip } from '../helpers/peers.js';

/**
 * The test guest (a small i386 Linux) in real engine processes, driven through the host service the way
 * the console and the CLI drive it: boot from CD, disk and kernel; serial, screen and keyboard; pause,
 * save and resume; reboot; crashes.
 */
const guest: TestGuest | null = await testGuest();
announceSkip('VM lifecycle tests', guest ? null : testGuestMissing());
const PROMPT = /kaso-guest# /;

describe.skipIf(!guest)('a VM running the test guest', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHost('vm');
  });

  it('boots from the ISO: serial shell, text screen and keyboard all work', async () => {
    const vm = await h.create({ name: 'From CD', memoryMiB: 128, osPreset: 'linux32', ide: cdOnly(guest!.iso) });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    expect(await h.run(vm.id, 'echo hello-$((6*7))')).toContain('hello-42');
    expect(await h.run(vm.id, 'cat /proc/cmdline')).toContain('console=ttyS0');
    await h.waitScreen(vm.id, /KASO-GUEST-READY[\s\S]*kaso-guest#/); // screen rows come without trailing blanks
    await h.call('vm.typeText', { id: vm.id, text: 'echo typed-$((2+3))\n' });
    await h.waitScreen(vm.id, /typed-5/);
    const shot = await h.call<{ png: string; width: number; height: number }>('vm.screenshot', { id: vm.id });
    expect(Buffer.from(shot.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect([shot.width, shot.height]).toEqual([720, 400]);
    const before = (await h.serialSince(vm.id, 1, Number.MAX_SAFE_INTEGER)).next;
    await h.call('vm.ctrlAltDel', { id: vm.id }); // the guest's init reboots on Ctrl+Alt+Del
    await h.waitSerial(vm.id, /KASO-GUEST-READY[\s\S]*kaso-guest# /, before);
    await h.call('vm.turnOff', { id: vm.id });
    expect((await h.state(vm.id)).state).toBe('off');
  });

  it('shuts down in order from the ACPI power button, and what the guest wrote is on its disk', async () => {
    const vm = await h.create({ name: 'Shut down', memoryMiB: 128, osPreset: 'linux32', ide: disk(await copyOf(h, guest!.vhd, 'shutdown.vhd')), bootOrder: ['disk'] });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    expect(await h.run(vm.id, 'ls /sys/bus/pci/drivers/ata_piix/ | grep -c 0000:')).toMatch(/\b1\b/); // ACPI left the IDE controller alone
    await h.run(vm.id, 'echo before-shutdown > /mnt/shutdown.txt'); // no sync: the orderly shutdown does it
    await h.call('vm.shutdown', { id: vm.id });
    await h.waitState(vm.id, 'off');
    expect((await h.state(vm.id)).reason).toMatch(/shut down/);
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    expect(await h.run(vm.id, 'cat /mnt/shutdown.txt')).toContain('before-shutdown');
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('refuses to shut down a machine with no OS listening to the power button, and says to turn it off', async () => {
    const vm = await h.create({ name: 'BIOS only', memoryMiB: 32, osPreset: 'other' });
    await h.call('vm.start', { id: vm.id });
    await expect(h.call('vm.shutdown', { id: vm.id })).rejects.toThrow(/no ACPI power button driver listening.*use Turn Off/);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('boots from its VHD and writes to it; a guest reboot comes back up', async () => {
    const vm = await h.create({ name: 'From disk', memoryMiB: 128, osPreset: 'linux32', ide: disk(await copyOf(h, guest!.vhd, 'disk.vhd')), bootOrder: ['disk'] });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    expect(await h.run(vm.id, 'echo kept > /mnt/proof.txt && sync && cat /mnt/proof.txt')).toContain('kept');
    const before = (await h.serialSince(vm.id, 1, Number.MAX_SAFE_INTEGER)).next;
    await h.call('vm.serialWrite', { id: vm.id, port: 1, data: 'reboot -f\r' });
    await h.waitSerial(vm.id, /KASO-GUEST-READY[\s\S]*kaso-guest# /, before);
    expect(await h.run(vm.id, 'cat /mnt/proof.txt')).toContain('kept');
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('boots a kernel directly and survives a reset (v86 alone would panic)', async () => {
    const vm = await h.create({
      name: 'Direct kernel',
      memoryMiB: 128,
      osPreset: 'linux32',
      kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline },
    });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    const before = (await h.serialSince(vm.id, 1, Number.MAX_SAFE_INTEGER)).next;
    await h.call('vm.reset', { id: vm.id });
    await h.waitSerial(vm.id, /KASO-GUEST-READY[\s\S]*kaso-guest# /, before);
    expect((await h.state(vm.id)).state).toBe('running');
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('pauses, saves its state and resumes exactly there on the next start', async () => {
    const vm = await h.create({ name: 'Saved', memoryMiB: 128, osPreset: 'linux32', ide: cdOnly(guest!.iso) });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    await h.run(vm.id, 'WHERE=remembered-$((40+2)); cd /tmp');
    await h.call('vm.pause', { id: vm.id });
    expect((await h.state(vm.id)).state).toBe('paused');
    await h.call('vm.resume', { id: vm.id });
    await h.call('vm.save', { id: vm.id });
    const details = await h.call<VmDetails>('vm.get', { id: vm.id });
    expect(details.state).toBe('saved');
    expect(details.hasSavedState).toBe(true);
    await h.call('vm.start', { id: vm.id });
    expect(await h.run(vm.id, 'echo $WHERE $(pwd)')).toContain('remembered-42 /tmp');
    expect((await h.call<VmDetails>('vm.get', { id: vm.id })).hasSavedState).toBe(false); // never restored twice
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('marks a VM whose engine process is killed as crashed, with the reason; the host goes on', async () => {
    const a = await h.create({ name: 'Doomed', memoryMiB: 64, osPreset: 'linux32', ide: cdOnly(guest!.iso) });
    const b = await h.create({ name: 'Bystander', memoryMiB: 64, osPreset: 'linux32', ide: cdOnly(guest!.iso) });
    await h.call('vm.start', { id: a.id });
    await h.call('vm.start', { id: b.id });
    const pid = (h.service as unknown as { live: Map<string, { process: { pid: number } }> }).live.get(a.id)!.process.pid;
    process.kill(pid, 'SIGKILL');
    await h.waitState(a.id, 'crashed');
    expect((await h.state(a.id)).reason).toMatch(/killed \(SIGKILL\)/);
    expect((await h.state(b.id)).state).toBe('running');
    await h.waitSerial(b.id, PROMPT);
    expect(await h.run(b.id, 'echo still-$((1+1))')).toContain('still-2');
    await h.call('vm.start', { id: a.id }); // a crashed VM starts again
    await h.waitSerial(a.id, PROMPT);
    await h.call('vm.turnOff', { id: a.id });
    await h.call('vm.turnOff', { id: b.id });
  });

  it('connects COM ports to a host pseudo-terminal, a socket and a file', async () => {
    const log = path.join(h.home, 'com2.log');
    const sock = path.join(h.home, 'com1.sock');
    const vm = await h.create({ name: 'Ports', memoryMiB: 128, osPreset: 'linux32', ide: cdOnly(guest!.iso), com: [{ mode: 'socket', path: sock }, { mode: 'file', path: log }] });
    await h.call('vm.start', { id: vm.id });
    const summary = await h.call<VmDetails>('vm.get', { id: vm.id });
    expect(summary.comEndpoints).toEqual([sock, log]);
    const socket = createConnection(sock);
    let fromSocket = '';
    socket.on('data', (d) => (fromSocket += d.toString('latin1')));
    await until(() => PROMPT.test(fromSocket), 120_000, () => fromSocket);
    socket.write('echo via-socket-$((3*3))\r');
    await until(() => /via-socket-9/.test(fromSocket), 30_000, () => fromSocket);
    socket.destroy();
    await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('KASO-COM2'), 30_000, () => '(COM2 log)');
    await h.call('vm.turnOff', { id: vm.id });

    await h.call('vm.update', { id: vm.id, settings: { com: [{ mode: 'pty' }, { mode: 'none' }] } });
    await h.call('vm.start', { id: vm.id });
    const pts = (await h.call<VmDetails>('vm.get', { id: vm.id })).comEndpoints[0]!;
    expect(pts).toMatch(/^\/dev\/pts\/\d+$/);
    await h.waitSerial(vm.id, PROMPT);
    const fd = openSync(pts, 'r+');
    writeSync(fd, 'echo via-pty-$((4*4))\r');
    let fromPty = '';
    await until(
      () => {
        const buf = Buffer.alloc(4096);
        const n = readSync(fd, buf, 0, buf.length, null);
        fromPty += buf.subarray(0, n).toString('latin1');
        return /via-pty-16/.test(fromPty);
      },
      30_000,
      () => fromPty,
    );
    closeSync(fd);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('refuses what cannot work, saying why', async () => {
    const vm = await h.create({ name: 'Strict', memoryMiB: 64, ide: cdOnly(guest!.iso) });
    await expect(h.call('vm.pause', { id: vm.id })).rejects.toThrow(/cannot pause "Strict" while it is off/);
    await expect(h.call('vm.update', { id: vm.id, settings: { memoryMiB: 99999 } })).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'memoryMiB' });
    await expect(h.call('vm.update', { id: vm.id, settings: { ide: { ...cdOnly(guest!.iso), secondarySlave: { kind: 'disk', path: guest!.vhd } } } })).resolves.toBeTruthy();
    await expect(h.call('vm.start', { id: vm.id })).rejects.toThrow(/embedded engine takes hard disks on the IDE primary channel/);
    await expect(h.call('vm.update', { id: vm.id, settings: { floppy: '/nonexistent/floppy.img' } })).rejects.toThrow(/floppy: \/nonexistent\/floppy.img does not exist/);
    await expect(h.call('vm.create', { settings: { name: 'strict', memoryMiB: 64 } })).rejects.toThrow(/already exists/);
    await expect(h.call('vm.start', { id: '00000000-0000-4000-8000-000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

function cdOnly(iso: string) {
  return { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: iso }, secondarySlave: null };
}

function disk(file: string) {
  return { primaryMaster: { kind: 'disk', path: file }, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: null }, secondarySlave: null };
}

async function copyOf(h: Harness, file: string, name: string): Promise<string> {
  const { copyFileSync } = await import('node:fs');
  const out = path.join(h.home, name);
  copyFileSync(file, out);
  return out;
}

async function until(test: () => boolean, timeoutMs: number, shown: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out; saw:\n${shown().slice(-1500)}`);
}
