import type { EngineNic } from '../protocol.js';
import { NicPort } from '../nic-port.js';
import type { V86Inside } from './internals.js';

/** v86's own NIC device, as far as Kaso touches it: its address (and the ne2k's PROM, which holds it too). */
interface V86NicDevice {
  mac: Uint8Array;
  memory?: Uint8Array;
}

interface V86Bus {
  send(name: string, value: unknown): void;
  register(name: string, fn: (data: Uint8Array) => void, ctx: unknown): void;
}

/**
 * The V86 options for a VM's NICs. v86 builds one NIC (an NE2000 unless told otherwise); a VM without NICs
 * gets none. `models` is what the machine had when its state was saved, when it is restored.
 */
export function nicOptions(models: ('ne2k' | 'virtio')[]): Record<string, unknown> {
  return {
    net_device: { type: models[0] ?? 'none' },
    preserve_mac_from_state_image: true, // a restored guest keeps the address its driver read at boot
    mac_address_translation: false,
  };
}

/** v86 gives a guest one NIC: the VM's first. The rest need the QEMU engine; the caller says so. */
export function wireNics(v86: V86Inside, bus: V86Bus, nics: EngineNic[], restoring: boolean): NicPort[] {
  const first = nics[0];
  if (!first) return [];
  const devices = v86.cpu.devices as { net?: V86NicDevice; virtio_net?: V86NicDevice };
  const device = first.model === 'virtio' ? devices.virtio_net : devices.net;
  if (!device) throw new Error(`this v86 build did not create its ${first.model} NIC`);
  if (!restoring) setMac(device, first.mac);
  if (!first.portId) return []; // a restored machine's NIC that no longer has a cable
  const port = new NicPort(first, (frame) => bus.send('net0-receive', frame));
  // v86 hands out views into guest memory: the frame is copied before it leaves.
  bus.register('net0-send', (frame) => port.send(frame.slice()), null);
  port.start();
  return [port];
}

function setMac(device: V86NicDevice, mac: string): void {
  const bytes = Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
  device.mac = bytes;
  if (device.memory) for (let i = 0; i < 6; i++) device.memory[i << 1] = device.memory[(i << 1) | 1] = bytes[i]!;
}
