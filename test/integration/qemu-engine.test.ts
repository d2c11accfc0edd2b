import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { findQemu } from '../../native-shims/qemu.js';
import { chooseAccel } from '../../main/engine/qemu/accel-probe.js';
import type { VmDetails } from '../../main/api/requests.js';
import { checkDisk } from '../../main/disk/check.js';
import { createDifferencing } from '../../main/disk/create.js';
import { openDisk } from '../../main/disk/index.js';
import { testGuest, testGuestMissing, type TestGuest } from '../helpers/guest.js';
import { startHost, type Harness } from '../helpers/host-harness.js';
import { readAll } from '../helpers/model.js';
import { announceSkip, missingVhdimount } from '../helpers/peers.js';
import { readThroughVhdimount } from '../helpers/vhdimount.js';

/**
 * The QEMU engine with the amd64 test guest, driven through the host service exactly as the embedded
 * engine is: disks from Kaso's VHD library over NBD, serial, save and restore, networks, crashes.
 * Here QEMU runs under whatever accelerator passes its test boot (TCG on machines whose KVM fails).
 */
const guest: TestGuest | null = await testGuest('amd64');
const qemu = await findQemu();
const missing = !guest ? testGuestMissing('amd64') : !qemu.found ? qemu.message : null;
announceSkip('QEMU engine tests', missing);
const PROMPT = /kaso-guest# /;
const PART_OFFSET = 2048 * 512; // the test guest disk's FAT partition

describe.skipIf(missing !== null)('the QEMU engine running the amd64 test guest', () => {
  let h: Harness;
  beforeAll(async () => {
    process.env.KASO_PROBE_KERNEL = guest!.kernel; // the accelerator's test boot uses a real kernel
    h = await startHost('qemu');
  });

  async function qemuVm(name: string, extra: Record<string, unknown>): Promise<VmDetails> {
    return h.create({ name, engine: 'qemu', osPreset: 'linux64', memoryMiB: 256, ...extra });
  }

  async function boot(vm: VmDetails): Promise<void> {
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
  }

  it('boots from a VHD served over NBD, says which accelerator runs it, and writes what vhdimount then reads', async () => {
    const file = copyTo(h, guest!.vhd, 'nbd-boot.vhd');
    const vm = await qemuVm('NBD boot', { ide: diskAt(file), bootOrder: ['disk'] });
    await boot(vm);
    const status = (await h.call<VmDetails>('vm.get', { id: vm.id })).engineStatus;
    console.log(`QEMU engine status: ${status}`);
    expect(status).toMatch(/^QEMU \d+\.\d+.*, (KVM|HVF|WHPX|TCG)/);
    expect(await h.run(vm.id, 'uname -m')).toContain('x86_64');
    expect(await h.run(vm.id, 'cat /sys/block/sda/device/model')).toMatch(/QEMU HARDDISK/);
    await h.run(vm.id, 'dd if=/dev/urandom of=/mnt/random.bin bs=1k count=300 2>/dev/null; md5sum /mnt/random.bin > /mnt/random.md5; sync');
    const md5 = (await h.run(vm.id, 'cat /mnt/random.md5')).split(' ')[0];
    await h.call('vm.turnOff', { id: vm.id });
    expect((await checkDisk(file)).status).toBe('clean');
    const mine = await readDisk(file);
    if (!missingVhdimount()) expect(readThroughVhdimount(file, h.home).equals(mine)).toBe(true);
    expect(md5OfFatFile(h, mine, 'random.bin')).toBe(md5);
  });

  it('boots from an ISO in its CD-ROM drive; its screen is a picture, its keyboard types what it is told', async () => {
    const vm = await qemuVm('From CD', { ide: { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: guest!.iso }, secondarySlave: null } });
    await boot(vm);
    expect(await h.run(vm.id, 'cat /sys/block/sr0/device/model; cat /proc/cmdline')).toMatch(/QEMU DVD-ROM[\s\S]*initrd=\/boot\/initrd\.gz/);
    const shot = await h.call<{ png: string; width: number; height: number }>('vm.screenshot', { id: vm.id });
    expect(Buffer.from(shot.png, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect([shot.width, shot.height]).toEqual([720, 400]); // VGA text mode, drawn by QEMU
    // Typed on the VGA console's shell (tty1), with shifted characters; the answer comes out on COM1.
    const { next } = await h.serialSince(vm.id, 1, Number.MAX_SAFE_INTEGER);
    await h.call('vm.typeText', { id: vm.id, text: 'echo "typed-$((2+3))" > /dev/ttyS0\n' });
    await h.waitSerial(vm.id, /typed-5/, next, 30_000);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('serves a differencing chain of three disks as the union of their contents', async () => {
    const base = copyTo(h, guest!.vhd, 'chain-base.vhd');
    const layers = [path.join(h.home, 'chain-1.vhd'), path.join(h.home, 'chain-2.vhd'), path.join(h.home, 'chain-3.vhd')];
    await createDifferencing(layers[0]!, base);
    const vm = await qemuVm('Chain', { ide: diskAt(layers[0]!), bootOrder: ['disk'] });
    for (const [i, layer] of layers.entries()) {
      if (i > 0) {
        await createDifferencing(layer, layers[i - 1]!);
        await h.call('vm.update', { id: vm.id, settings: { ide: diskAt(layer) } });
      }
      await boot(vm);
      await h.run(vm.id, `echo layer-${i + 1} > /mnt/layer${i + 1}.txt; sync`);
      if (i < layers.length - 1) await h.call('vm.turnOff', { id: vm.id });
    }
    expect(await h.run(vm.id, 'cat /mnt/layer1.txt /mnt/layer2.txt /mnt/layer3.txt; ls /mnt')).toMatch(/layer-1\s+layer-2\s+layer-3[\s\S]*vmlinuz/);
    await h.call('vm.turnOff', { id: vm.id });
    for (const f of [base, ...layers]) expect((await checkDisk(f)).status).toBe('clean');
    expect(md5OfFatFile(h, await readDisk(layers[2]!), 'layer2.txt')).toBe(md5(Buffer.from('layer-2\n')));
  });

  it('saves its state, quits, and comes back with the shell, its variables and files as they were', async () => {
    const vm = await qemuVm('Saved', { kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline } });
    await boot(vm);
    await h.run(vm.id, 'KEPT=kept-$((20+22)); echo in-memory > /tmp/state.txt');
    await h.call('vm.save', { id: vm.id });
    expect((await h.state(vm.id)).state).toBe('saved');
    // A state from another QEMU is refused with what to do, and left alone; no QEMU is left behind.
    const stateFile = path.join(vm.folder, `${vm.name}.kaso-state`);
    const original = readFileSync(stateFile);
    writeFileSync(stateFile, Buffer.from(original.toString('latin1').replace(/"engineVersion":"[^"]*"/, '"engineVersion":"0.0.1"'), 'latin1'));
    await expect(h.call('vm.start', { id: vm.id })).rejects.toThrow(/made by QEMU 0\.0\.1.*discard the saved state/);
    expect((await h.state(vm.id)).state).toBe('saved');
    expect(() => execFileSync('pgrep', ['-f', 'kaso-Saved,debug-threads'])).toThrow();
    writeFileSync(stateFile, original);
    await h.call('vm.start', { id: vm.id });
    expect(await h.run(vm.id, 'echo $KEPT; cat /tmp/state.txt')).toMatch(/kept-42\s+in-memory/);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('takes a snapshot of the running guest and reverts to it: the disk, served over NBD, and the memory come back', async () => {
    const vm = await qemuVm('Snapshots', { ide: diskAt(copyTo(h, guest!.vhd, 'snap.vhd')), bootOrder: ['disk'] });
    await boot(vm);
    await h.run(vm.id, 'echo one > /mnt/witness.txt && sync; MARK=kept-in-memory');
    const one = await h.call<{ id: string; hasState: boolean }>('snapshot.take', { id: vm.id, name: 'one' });
    expect(one.hasState).toBe(true);
    expect((await h.state(vm.id)).state).toBe('running');
    // The guest now writes to the snapshot's new differencing disk, swapped in under QEMU's NBD connection.
    expect(await h.run(vm.id, 'echo two > /mnt/witness.txt && sync && cat /mnt/witness.txt')).toContain('two');
    await h.call('snapshot.revert', { id: vm.id, snapshotId: one.id });
    await h.waitState(vm.id, 'running');
    expect(await h.run(vm.id, 'echo $MARK; cat /mnt/witness.txt')).toMatch(/kept-in-memory\s+one/);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('holds the guest to its CPU maximum and says how', async () => {
    const vm = await qemuVm('Capped', { kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline }, cpu: { processors: 1, reserve: 0, maximum: 50, weight: 100 } });
    await boot(vm);
    const status = (await h.call<VmDetails>('vm.get', { id: vm.id })).engineStatus!;
    expect(status).toMatch(/CPU at most 50%.*\((cgroup v1 cpu\.cfs_quota_us|cgroup v2 cpu\.max|duty cycle)/);
    await h.call('vm.serialWrite', { id: vm.id, port: 1, data: 'while :; do :; done &\r' });
    await new Promise((r) => setTimeout(r, 6000)); // two stats periods of a guest spinning
    const used = (await h.call<VmDetails>('vm.get', { id: vm.id })).cpuPercent!;
    console.log(`a spinning guest capped at 50% used ${used.toFixed(1)}% of a host CPU (${status})`);
    expect(used).toBeGreaterThan(30);
    expect(used).toBeLessThan(62);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('reports each virtual processor\'s use', async () => {
    const vm = await qemuVm('Two CPUs', { kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline }, cpu: { processors: 2, reserve: 0, maximum: 100, weight: 100 } });
    await boot(vm);
    expect(await h.run(vm.id, 'grep -c ^processor /proc/cpuinfo')).toMatch(/\b2\b/);
    await new Promise((r) => setTimeout(r, 4500));
    const v = await h.call<VmDetails>('vm.get', { id: vm.id });
    expect(v.vcpuPercent).toHaveLength(2);
    await h.call('vm.turnOff', { id: vm.id });
  });

  it('puts two QEMU guests and an embedded-engine guest on one internal network, and they ping each other', async () => {
    const i386 = await testGuest('i386');
    if (!i386) return console.log(`skipped the mixed-engine network part: ${testGuestMissing('i386')}`);
    await h.call('net.create', { settings: { name: 'Mixed', kind: 'internal', subnet: '192.168.177.0/24' } });
    const nic = (i: number, model: 'ne2k' | 'virtio') => [{ model, mac: `02:6b:61:77:00:0${i}`, network: 'Mixed' }];
    const kernelOf = (g: TestGuest) => ({ kernel: g.kernel, initrd: g.initrd, append: g.cmdline });
    const a = await qemuVm('Mixed Q1', { kernel: kernelOf(guest!), nics: nic(1, 'virtio') });
    const b = await qemuVm('Mixed Q2', { kernel: kernelOf(guest!), nics: nic(2, 'ne2k') });
    const c = await h.create({ name: 'Mixed V', osPreset: 'linux32', memoryMiB: 96, kernel: kernelOf(i386), nics: nic(3, 'ne2k') });
    await Promise.all([a, b, c].map((vm) => boot(vm)));
    for (const [i, vm] of [a, b, c].entries()) await h.run(vm.id, `ip link set eth0 up && ip addr add 192.168.177.${i + 1}/24 dev eth0`);
    expect(await h.run(a.id, 'ping -c 2 -W 5 192.168.177.2')).toMatch(/2 packets received/);
    expect(await h.run(a.id, 'ping -c 2 -W 5 192.168.177.3')).toMatch(/2 packets received/);
    expect(await h.run(c.id, 'ping -c 2 -W 5 192.168.177.2')).toMatch(/2 packets received/);
    expect(await h.run(b.id, 'cat /sys/class/net/eth0/address')).toContain('02:6b:61:77:00:02');
    for (const vm of [a, b, c]) await h.call('vm.turnOff', { id: vm.id });
  });

  it('shows crashed when QEMU is killed, and its disk checks clean', async () => {
    const file = copyTo(h, guest!.vhd, 'killed.vhd');
    const vm = await qemuVm('Killed', { ide: diskAt(file), bootOrder: ['disk'] });
    await boot(vm);
    await h.run(vm.id, 'echo before-kill > /mnt/kill.txt; sync');
    execFileSync('pkill', ['-KILL', '-f', 'kaso-Killed,debug-threads']);
    await h.waitState(vm.id, 'crashed');
    expect((await h.state(vm.id)).reason).toMatch(/QEMU was killed \(SIGKILL\)/);
    expect((await checkDisk(file)).status).toBe('clean');
    expect(readFatFile(h, await readDisk(file), 'kill.txt')).toBe('before-kill\n');
  });

  it('shows crashed, with the reason, when the guest operating system panics', async () => {
    const vm = await qemuVm('Panics', { kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline } });
    await boot(vm);
    expect(await h.run(vm.id, 'ls /sys/bus/platform/drivers/ | grep -c pvpanic')).toMatch(/\b1\b/);
    await h.call('vm.serialWrite', { id: vm.id, port: 1, data: 'echo c > /proc/sysrq-trigger\r' });
    await h.waitState(vm.id, 'crashed');
    expect((await h.state(vm.id)).reason).toMatch(/guest operating system crashed/);
  });

  it('takes QEMU down with it when the engine process is killed: no guest is left running unwatched', async () => {
    const file = copyTo(h, guest!.vhd, 'engine-killed.vhd');
    const vm = await qemuVm('Engine killed', { ide: diskAt(file), bootOrder: ['disk'] });
    await boot(vm);
    await h.run(vm.id, 'echo kept > /mnt/engine.txt; sync');
    const qemuPid = Number(execFileSync('pgrep', ['-f', 'kaso-Engine killed,debug-threads'], { encoding: 'utf8' }).trim().split('\n')[0]);
    const enginePid = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(qemuPid)], { encoding: 'utf8' }).trim());
    process.kill(enginePid, 'SIGKILL');
    await h.waitState(vm.id, 'crashed');
    await expect.poll(() => alive(qemuPid), { timeout: 10_000 }).toBe(false);
    expect((await checkDisk(file)).status).toBe('clean');
    expect(readFatFile(h, await readDisk(file), 'engine.txt')).toBe('kept\n');
  });

  it('runs the QEMU set in the preferences, and refuses one that is not a QEMU, changing nothing', async () => {
    type Info = { preferences: { qemuPath: string | null }; engines: { name: string; description: string }[] };
    await expect(h.call('host.setPreferences', { qemuPath: 'qemu-system-x86_64' })).rejects.toThrow(/full path/);
    await expect(h.call('host.setPreferences', { qemuPath: '/bin/true' })).rejects.toThrow(/qemuPath: .*true/);
    expect((await h.call<Info>('host.info', {})).preferences.qemuPath).toBeNull();
    const set = await h.call<Info>('host.setPreferences', { qemuPath: qemu.found ? qemu.binary : '' });
    expect(set.preferences.qemuPath).toBe(qemu.found ? qemu.binary : null);
    expect(set.engines.find((e) => e.name === 'qemu')!.description).toContain(`from preferences`);
    await h.call('host.setPreferences', { qemuPath: null });
  });

  it('refuses to start with a clear message when QEMU is missing', async () => {
    const vm = await qemuVm('No QEMU', {});
    process.env.KASO_QEMU = path.join(h.home, 'no-such-qemu');
    try {
      await expect(h.call('vm.start', { id: vm.id })).rejects.toThrow(/QEMU engine.*KASO_QEMU names .*no-such-qemu, which is not an executable/);
    } finally {
      delete process.env.KASO_QEMU;
    }
    expect((await h.state(vm.id)).state).toBe('off');
  });
});

// Where the accelerator passes its test boot, the guest must really run on it.
const accel = qemu.found && guest ? await chooseAccel(qemu.binary, qemu.version, null, guest.kernel) : null;
const noHardware = missing ?? (accel && accel.accel === 'tcg' ? accel.reason : null);
announceSkip('QEMU hardware-accelerated tests', noHardware);

describe.skipIf(noHardware !== null)('the QEMU engine on a hardware accelerator', () => {
  it('runs the guest on it: the status says so, and a KVM guest detects KVM', async () => {
    const h = await startHost('qemu-kvm');
    const vm = await h.create({ name: 'Accelerated', engine: 'qemu', osPreset: 'linux64', memoryMiB: 256, kernel: { kernel: guest!.kernel, initrd: guest!.initrd, append: guest!.cmdline } });
    await h.call('vm.start', { id: vm.id });
    await h.waitSerial(vm.id, PROMPT);
    expect((await h.call<VmDetails>('vm.get', { id: vm.id })).engineStatus).toMatch(/KVM|HVF|WHPX/);
    if (accel!.accel === 'kvm') expect(await h.run(vm.id, 'dmesg | grep -i "hypervisor detected"')).toMatch(/KVM/);
    await h.call('vm.turnOff', { id: vm.id });
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function copyTo(h: Harness, file: string, name: string): string {
  const out = path.join(h.home, name);
  copyFileSync(file, out);
  return out;
}

function diskAt(file: string) {
  return { primaryMaster: { kind: 'disk', path: file }, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: null }, secondarySlave: null };
}

async function readDisk(file: string): Promise<Buffer> {
  const d = await openDisk(file);
  try {
    return Buffer.from(await readAll(d));
  } finally {
    await d.close();
  }
}

/** A file from the guest disk's FAT partition, read with mtools from the disk's bytes (no guest, no mount). */
function readFatFile(h: Harness, diskBytes: Buffer, name: string): string {
  const image = path.join(h.home, `fat-${process.pid}-${Math.random().toString(36).slice(2)}.img`);
  writeFileSync(image, diskBytes);
  return execFileSync('mtype', ['-i', `${image}@@${PART_OFFSET}`, `::${name}`], { encoding: 'latin1' });
}

function md5OfFatFile(h: Harness, diskBytes: Buffer, name: string): string {
  return md5(Buffer.from(readFatFile(h, diskBytes, name), 'latin1'));
}

function md5(b: Buffer): string {
  return createHash('md5').update(b).digest('hex');
}
