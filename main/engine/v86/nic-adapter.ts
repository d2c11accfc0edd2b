import v8 from 'node:v8';
import { V86_MAX_NICS } from '../../api/vm-settings.js';
import type { EngineNic } from '../protocol.js';
import { NicPort } from '../nic-port.js';
import type { V86Inside } from './internals.js';

/** v86's NIC devices, as far as Kaso touches them. */
interface V86NicDevice {
  mac: Uint8Array;
  memory?: Uint8Array;
  pci_id: number;
  pci_bars: { original_bar: number }[];
  bus: unknown;
  get_state(): unknown[];
  set_state(state: unknown[]): void;
}
type Ne2kConstructor = new (cpu: unknown, bus: unknown, preserveMac: boolean, translateMac: boolean, id: number) => V86NicDevice;

interface V86Pci {
  device_spaces: Int32Array[];
  set_io_bars(bar: unknown, from: number, to: number): void;
}

export interface V86Bus {
  send(name: string, value: unknown): void;
  register(name: string, fn: (data: Uint8Array) => void, ctx: unknown): void;
}

/** What a saved machine needs to bring back the NICs v86 itself does not save (adapters 2 to 4). */
export type ExtraNicState = string;

/**
 * The V86 options for a VM's NICs. v86 builds one NIC itself (an NE2000 unless told virtio); a VM without
 * NICs gets none. `models` is what the machine had when its state was saved, when it is restored.
 */
export function nicOptions(models: ('ne2k' | 'virtio')[]): Record<string, unknown> {
  return {
    net_device: { type: models[0] ?? 'none' },
    preserve_mac_from_state_image: true, // a restored guest keeps the address its driver read at boot
    mac_address_translation: false,
  };
}

/**
 * v86's NE2000 takes an index that places it: I/O ports at 0x300 + 0x100 × index, PCI slot 7 + index. Index
 * 2 would sit on the firmware configuration ports (0x510) and the BIOS dies; a NIC at index 4 or above
 * stops the machine before the BIOS prints anything (seen with 4, 5 and 6; the cause is inside v86). So
 * the extra adapters are at 1 and 3, and the embedded engine has three adapters at most.
 */
const EXTRA_NE2K_INDEXES = [1, 3]; // V86_MAX_NICS (main/api/vm-settings.ts) is one more than these

/**
 * A guest's NICs: the first is v86's own; adapters 2 and 3 are more NE2000s built from the same class,
 * before the BIOS enumerates the bus. v86's saved state does not hold them, so `saveExtras` keeps their
 * registers, buffer and PCI configuration beside it and `wire` puts them back.
 */
export class V86Nics {
  private readonly devices: V86NicDevice[] = [];
  readonly ports: NicPort[] = [];

  constructor(
    private readonly v86: V86Inside,
    private readonly bus: V86Bus,
  ) {}

  wire(nics: EngineNic[], restoring: boolean, extraState: ExtraNicState | null): void {
    if (nics.length === 0) return;
    const own = this.ownDevice(nics[0]!);
    this.devices.push(own);
    if (nics.length > V86_MAX_NICS) throw new Error(`the embedded engine has at most ${V86_MAX_NICS} network adapters`);
    const Ne2k = own.constructor as Ne2kConstructor;
    for (let i = 1; i < nics.length; i++) this.devices.push(new Ne2k(this.v86.cpu, own.bus, true, false, EXTRA_NE2K_INDEXES[i - 1]!));
    if (restoring && extraState) this.restoreExtras(extraState);
    nics.forEach((nic, i) => {
      if (!restoring) setMac(this.devices[i]!, nic.mac);
      if (!nic.portId) return; // a restored machine's NIC that no longer has a cable
      const id = i === 0 ? 0 : EXTRA_NE2K_INDEXES[i - 1]!; // v86 names a NIC's bus messages by its index
      const port = new NicPort(nic, (frame) => this.bus.send(`net${id}-receive`, frame));
      // v86 hands out views into guest memory: NicPort.send copies the frame before v86 reuses it.
      this.bus.register(`net${id}-send`, (frame) => port.send(frame), null);
      port.start();
      this.ports.push(port);
    });
  }

  /** Adapters 2 to 4 as the saved state's companion (registers, packet buffer, PCI configuration). */
  saveExtras(): ExtraNicState | null {
    const extras = this.devices.slice(1);
    if (extras.length === 0) return null;
    const pci = this.pci();
    return v8.serialize(extras.map((d) => ({ space: pci.device_spaces[d.pci_id]!.slice(), state: d.get_state() }))).toString('base64');
  }

  close(): void {
    for (const p of this.ports.splice(0)) p.close();
  }

  private ownDevice(first: EngineNic): V86NicDevice {
    const devices = this.v86.cpu.devices as { net?: V86NicDevice; virtio_net?: V86NicDevice };
    const device = first.model === 'virtio' ? devices.virtio_net : devices.net;
    if (!device) throw new Error(`this v86 build did not create its ${first.model} NIC`);
    return device;
  }

  private restoreExtras(text: ExtraNicState): void {
    const saved = v8.deserialize(Buffer.from(text, 'base64')) as { space: Int32Array; state: unknown[] }[];
    const pci = this.pci();
    saved.forEach((s, i) => {
      const d = this.devices[i + 1];
      if (!d) return;
      // What v86's PCI set_state does for its own devices: move the I/O ports to where the guest put them.
      d.pci_bars.forEach((bar, n) => {
        const value = s.space[4 + n]!;
        if (value & 1) pci.set_io_bars(bar, bar.original_bar & 0xfffe, value & 0xfffe);
      });
      pci.device_spaces[d.pci_id]!.set(s.space);
      d.set_state(s.state);
    });
  }

  private pci(): V86Pci {
    return (this.v86.cpu.devices as { pci: V86Pci }).pci;
  }
}

function setMac(device: V86NicDevice, mac: string): void {
  const bytes = Uint8Array.from(mac.split(':').map((h) => parseInt(h, 16)));
  device.mac = bytes;
  if (device.memory) for (let i = 0; i < 6; i++) device.memory[i << 1] = device.memory[(i << 1) | 1] = bytes[i]!;
}
