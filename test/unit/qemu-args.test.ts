import { describe, expect, it } from 'vitest';
import type { EngineBootConfig } from '../../main/engine/protocol.js';
import { machineShape, qemuArgs, type QemuSockets } from '../../main/engine/qemu/qemu-args.js';

const sockets: QemuSockets = { qmp: '/r/qmp', vnc: '/r/vnc', nbd: '/r/nbd', serial: ['/r/com1', '/r/com2'], nics: ['/r/nic0', '/r/nic1'] };

function config(extra: Partial<EngineBootConfig> = {}): EngineBootConfig {
  return {
    vmId: 'id', name: 'Lab', engine: 'qemu', qemu: null, memoryMiB: 512, processors: 2, cpuMaximum: 100, cpuWeight: 100,
    disks: [{ slot: 'primaryMaster', path: '/vms/a.vhd' }, { slot: 'secondarySlave', path: '/vms/b.vhd' }],
    cdroms: [{ slot: 'secondaryMaster', path: '/isos/x,y.iso' }],
    floppy: null, bootOrder: ['cd', 'disk'], kernel: null, firmware: null, restoreFrom: null, com: [true, false], acpi: true,
    nics: [
      { index: 0, portId: 'id/0', mac: '02:6b:61:00:00:01', model: 'virtio', socket: '/n' },
      { index: 1, portId: 'id/1', mac: '02:6b:61:00:00:02', model: 'ne2k', socket: '/n' },
    ],
    ...extra,
  };
}

/** The value after each occurrence of an option. */
const values = (args: string[], option: string) => args.flatMap((a, i) => (a === option ? [args[i + 1]!] : []));

describe('the QEMU command line', () => {
  it('puts each hard disk at its IDE position, served by our NBD export of the same name', () => {
    const args = qemuArgs(config(), 'tcg', sockets);
    expect(values(args, '-blockdev')).toEqual([
      'driver=nbd,node-name=hd-primaryMaster,server.type=unix,server.path=/r/nbd,export=primaryMaster,reconnect-delay=10',
      'driver=nbd,node-name=hd-secondarySlave,server.type=unix,server.path=/r/nbd,export=secondarySlave,reconnect-delay=10',
    ]);
    expect(values(args, '-device')).toEqual(expect.arrayContaining(['ide-hd,drive=hd-primaryMaster,bus=ide.0,unit=0', 'ide-hd,drive=hd-secondarySlave,bus=ide.1,unit=1']));
    expect(args.join(' ')).not.toMatch(/vpc/); // never QEMU's own VHD driver: it ignores differencing parents
  });

  it('gives an ISO to a CD-ROM drive read-only, with commas in its path escaped', () => {
    const args = qemuArgs(config(), 'tcg', sockets);
    expect(values(args, '-drive')).toContain('file=/isos/x,,y.iso,format=raw,if=none,id=cd-secondaryMaster,media=cdrom,readonly=on');
    expect(values(args, '-device')).toContain('ide-cd,drive=cd-secondaryMaster,bus=ide.1,unit=0');
    const empty = qemuArgs(config({ cdroms: [{ slot: 'secondaryMaster', path: null }] }), 'tcg', sockets);
    expect(values(empty, '-drive')).toContain('if=none,id=cd-secondaryMaster,media=cdrom,readonly=on');
  });

  it('listens for each NIC on its socket with its model, MAC and a fixed PCI slot', () => {
    const args = qemuArgs(config(), 'tcg', sockets);
    expect(values(args, '-netdev')).toEqual(['stream,id=net0,server=on,addr.type=unix,addr.path=/r/nic0', 'stream,id=net1,server=on,addr.type=unix,addr.path=/r/nic1']);
    expect(values(args, '-device')).toEqual(expect.arrayContaining(['virtio-net-pci,netdev=net0,mac=02:6b:61:00:00:01,addr=0x10', 'ne2k_pci,netdev=net1,mac=02:6b:61:00:00:02,addr=0x11']));
  });

  it('starts stopped, keeps QEMU up after a guest power-off, and picks the CPU model for the accelerator', () => {
    const tcg = qemuArgs(config(), 'tcg', sockets);
    expect(tcg).toEqual(expect.arrayContaining(['-S', '-no-shutdown', '-nodefaults']));
    expect(values(tcg, '-machine')).toEqual(['pc,accel=tcg']);
    expect(values(tcg, '-cpu')).toEqual(['qemu64']);
    expect(values(tcg, '-smp')).toEqual(['2']);
    expect(values(tcg, '-m')).toEqual(['512M']);
    expect(values(qemuArgs(config(), 'kvm', sockets), '-cpu')).toEqual(['host']);
    expect(values(tcg, '-boot')).toEqual(['order=dc']);
  });

  it('both COM ports dial our sockets; a restore waits for the state; no ACPI when asked', () => {
    const args = qemuArgs(config({ restoreFrom: '/vms/Lab.kaso-state', acpi: false }), 'tcg', sockets);
    expect(values(args, '-chardev')).toEqual(['socket,id=com1,path=/r/com1,reconnect=1', 'socket,id=com2,path=/r/com2,reconnect=1']);
    expect(values(args, '-incoming')).toEqual(['defer']);
    expect(args).toContain('-no-acpi');
  });

  it('a saved machine belongs to its devices: a new NIC model or memory size changes its shape, a new path does not', () => {
    const base = machineShape(config());
    expect(machineShape(config({ disks: [{ slot: 'primaryMaster', path: '/elsewhere.vhd' }, { slot: 'secondarySlave', path: '/b.vhd' }] }))).toBe(base);
    expect(machineShape(config({ memoryMiB: 1024 }))).not.toBe(base);
    expect(machineShape(config({ nics: [config().nics[1]!, config().nics[0]!] }))).not.toBe(base);
  });
});
