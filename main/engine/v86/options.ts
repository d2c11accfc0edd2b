import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import type { BootDevice } from '../../api/vm-settings.js';
import type { EngineBootConfig } from '../protocol.js';
import type { V86DiskAdapter } from './disk-adapter.js';
import { nicOptions } from './nic-adapter.js';

const require = createRequire(import.meta.url);
const MiB = 1024 * 1024;

export interface V86Drives {
  hda?: V86DiskAdapter;
  hdb?: V86DiskAdapter;
  cdrom?: V86DiskAdapter;
  floppy?: ArrayBuffer;
}

/** v86's CMOS boot order: one nibble a device, first device lowest (floppy 1, hard disk 2, CD 3). */
export function bootOrderCode(order: BootDevice[]): number {
  const nibble: Record<BootDevice, number> = { floppy: 1, disk: 2, cd: 3 };
  const all = [...order, ...(['cd', 'disk', 'floppy'] as const).filter((d) => !order.includes(d))];
  return all.reduce((code, d, i) => code | (nibble[d] << (4 * i)), 0);
}

/** The V86 constructor's options for a VM. */
export async function v86Options(config: EngineBootConfig, drives: V86Drives, initialState: ArrayBuffer | null): Promise<Record<string, unknown>> {
  const read = async (file: string) => {
    const b = await fs.readFile(file);
    return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
  };
  if (!config.firmware) throw new Error('the embedded engine needs SeaBIOS and its VGA BIOS, and none were given');
  const options: Record<string, unknown> = {
    wasm_path: require.resolve('v86/build/v86.wasm'),
    bios: { buffer: await read(config.firmware.bios) },
    vga_bios: { buffer: await read(config.firmware.vgaBios) },
    memory_size: config.memoryMiB * MiB,
    vga_memory_size: 8 * MiB, // v86's default: room for 1920x1080 at 32 bits
    boot_order: bootOrderCode(config.bootOrder),
    uart1: config.com[1],
    acpi: config.acpi,
    autostart: false,
    disable_speaker: true,
    screen: {},
    ...nicOptions(config.nics.map((n) => n.model)),
  };
  if (drives.hda) options.hda = drives.hda;
  if (drives.hdb) options.hdb = drives.hdb;
  if (drives.cdrom) options.cdrom = drives.cdrom;
  if (drives.floppy) options.fda = { buffer: drives.floppy };
  if (config.kernel) {
    options.bzimage = { buffer: await read(config.kernel.kernel) };
    if (config.kernel.initrd) options.initrd = { buffer: await read(config.kernel.initrd) };
    options.cmdline = config.kernel.append;
  }
  if (initialState) options.initial_state = { buffer: initialState };
  return options;
}
