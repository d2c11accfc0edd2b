import type { IdeSlot } from '../../api/vm-settings.js';
import type { EngineBootConfig, QemuAccel } from '../protocol.js';

/** The sockets one QEMU run talks through, all in the VM process's private run folder. */
export interface QemuSockets {
  qmp: string;
  vnc: string;
  nbd: string;
  serial: [string, string];
  /** One per NIC: QEMU listens (a 7.2 stream client cannot reconnect), this process dials in. */
  nics: string[];
}

/** IDE position -> QEMU's bus and unit on the PIIX controller of the `pc` machine. */
const IDE: Record<IdeSlot, { bus: string; unit: number }> = {
  primaryMaster: { bus: 'ide.0', unit: 0 },
  primarySlave: { bus: 'ide.0', unit: 1 },
  secondaryMaster: { bus: 'ide.1', unit: 0 },
  secondarySlave: { bus: 'ide.1', unit: 1 },
};

const NIC_DEVICE = { ne2k: 'ne2k_pci', virtio: 'virtio-net-pci' } as const;
/** NICs sit at fixed PCI slots, so a saved machine finds them where it left them. */
const FIRST_NIC_SLOT = 0x10;
const BOOT_LETTER = { cd: 'd', disk: 'c', floppy: 'a' } as const;

/** The CPU model for an accelerator: the host's own where hardware runs the guest, a portable one under TCG. */
function cpuModel(accel: QemuAccel): string {
  return accel === 'tcg' ? 'qemu64' : 'host';
}

/**
 * The command line for a VM: a `pc` machine (i440fx, PIIX IDE: the four IDE positions of the settings), hard
 * disks from our NBD server, CD-ROMs and floppy as raw images, serial ports and NICs on our sockets, the
 * screen on VNC. `-S`: the guest starts only once this process has attached to everything, so nothing it
 * says is lost; `-no-shutdown`: a guest power-off stops QEMU instead of ending it, so disks end cleanly.
 */
export function qemuArgs(config: EngineBootConfig, accel: QemuAccel, sockets: QemuSockets): string[] {
  const args = ['-name', `kaso-${config.name},debug-threads=on`, '-nodefaults', '-no-user-config', '-S', '-no-shutdown'];
  args.push('-machine', `pc,accel=${accel}`, '-cpu', cpuModel(accel), '-m', `${config.memoryMiB}M`, '-smp', `${config.processors ?? 1}`);
  if (!config.acpi) args.push('-no-acpi');
  args.push('-qmp', `unix:${sockets.qmp},server=on,wait=off`);
  // VNC bound to the VGA device, not to QEMU's console list: otherwise QEMU keeps Ctrl+Alt+1..9 for itself.
  args.push('-device', 'VGA,id=video0', '-vnc', `unix:${sockets.vnc},display=video0`);
  args.push(...diskArgs(config, sockets.nbd), ...serialArgs(sockets.serial), ...nicArgs(config, sockets.nics));
  args.push('-device', 'pvpanic');
  args.push('-boot', `order=${config.bootOrder.map((b) => BOOT_LETTER[b]).join('')}`);
  if (config.kernel) {
    args.push('-kernel', config.kernel.kernel, '-append', config.kernel.append);
    if (config.kernel.initrd) args.push('-initrd', config.kernel.initrd);
  }
  if (config.restoreFrom) args.push('-incoming', 'defer');
  return args;
}

function diskArgs(config: EngineBootConfig, nbdSocket: string): string[] {
  const args: string[] = [];
  for (const d of config.disks) {
    const id = `hd-${d.slot}`;
    // reconnect-delay: a request in flight when our server hiccups waits for it instead of failing the guest.
    args.push('-blockdev', `driver=nbd,node-name=${id},server.type=unix,server.path=${escape(nbdSocket)},export=${d.slot},reconnect-delay=10`);
    args.push('-device', `ide-hd,drive=${id},bus=${IDE[d.slot].bus},unit=${IDE[d.slot].unit}`);
  }
  for (const c of config.cdroms) {
    const id = `cd-${c.slot}`;
    const file = c.path ? `file=${escape(c.path)},format=raw,` : '';
    args.push('-drive', `${file}if=none,id=${id},media=cdrom,readonly=on`);
    args.push('-device', `ide-cd,drive=${id},bus=${IDE[c.slot].bus},unit=${IDE[c.slot].unit}`);
  }
  if (config.floppy) args.push('-drive', `file=${escape(config.floppy)},format=raw,if=floppy,index=0`);
  return args;
}

/** Both COM ports always exist (a saved machine has them); this process is the server, QEMU dials in. */
function serialArgs(sockets: [string, string]): string[] {
  return sockets.flatMap((s, i) => ['-chardev', `socket,id=com${i + 1},path=${escape(s)},reconnect=1`, '-serial', `chardev:com${i + 1}`]);
}

function nicArgs(config: EngineBootConfig, sockets: string[]): string[] {
  return config.nics.flatMap((n, i) => [
    '-netdev', `stream,id=net${i},server=on,addr.type=unix,addr.path=${escape(sockets[i]!)}`,
    '-device', `${NIC_DEVICE[n.model]},netdev=net${i},mac=${n.mac},addr=0x${(FIRST_NIC_SLOT + i).toString(16)}`,
  ]);
}

/** QEMU's option syntax: a comma inside a value is written twice. */
function escape(value: string): string {
  return value.replaceAll(',', ',,');
}

/** What a saved machine's devices depend on: a state restores only into a machine with the same. */
export function machineShape(config: EngineBootConfig): string {
  return JSON.stringify({
    memoryMiB: config.memoryMiB,
    processors: config.processors ?? 1,
    acpi: config.acpi,
    disks: config.disks.map((d) => d.slot),
    cdroms: config.cdroms.map((c) => c.slot),
    floppy: config.floppy !== null,
    nics: config.nics.map((n) => n.model),
  });
}
