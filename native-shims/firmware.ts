import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The PC firmware the embedded engine boots: SeaBIOS and the SeaVGABIOS for a standard VGA (v86 emulates
 * PCI 1234:1111, so only the "stdvga" VGA BIOS runs). Found, in order, in KASO_FIRMWARE_DIR, the packaged
 * app's resources, the system's SeaBIOS package, and a QEMU install.
 */
export interface Firmware {
  bios: string;
  vgaBios: string;
  source: string;
}

export type FirmwareLookup = { found: true; firmware: Firmware } | { found: false; message: string };

const BIOS_NAMES = ['bios.bin', 'bios-256k.bin'];
const VGA_NAMES = ['vgabios-stdvga.bin'];

function candidates(): { dir: string; source: string }[] {
  const list: { dir: string; source: string }[] = [];
  if (process.env.KASO_FIRMWARE_DIR) list.push({ dir: process.env.KASO_FIRMWARE_DIR, source: 'KASO_FIRMWARE_DIR' });
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  if (resources) list.push({ dir: path.join(resources, 'firmware'), source: 'the Kaso app' });
  list.push({ dir: '/usr/share/seabios', source: 'the seabios package' });
  for (const dir of ['/usr/share/qemu', '/usr/local/share/qemu', '/opt/homebrew/share/qemu', '/opt/local/share/qemu'])
    list.push({ dir, source: 'QEMU' });
  if (process.platform === 'win32') list.push({ dir: 'C:\\Program Files\\qemu\\share', source: 'QEMU' });
  return list;
}

function firstExisting(dir: string, names: string[]): string | null {
  for (const n of names) if (existsSync(path.join(dir, n))) return path.join(dir, n);
  return null;
}

export function findFirmware(): FirmwareLookup {
  let bios: { file: string; source: string } | null = null;
  let vga: { file: string; source: string } | null = null;
  for (const c of candidates()) {
    const b = firstExisting(c.dir, BIOS_NAMES);
    const v = firstExisting(c.dir, VGA_NAMES);
    if (b && v) return { found: true, firmware: { bios: b, vgaBios: v, source: `${c.source} (${c.dir})` } };
    bios ??= b ? { file: b, source: c.source } : null;
    vga ??= v ? { file: v, source: c.source } : null;
  }
  if (bios && vga) return { found: true, firmware: { bios: bios.file, vgaBios: vga.file, source: `${bios.source} and ${vga.source}` } };
  const hint =
    process.platform === 'linux'
      ? 'install the "seabios" package (Debian/Ubuntu: sudo apt install seabios)'
      : process.platform === 'darwin'
        ? 'install QEMU (brew install qemu)'
        : 'install QEMU for Windows';
  const missing = !bios && !vga ? 'SeaBIOS and its VGA BIOS were' : !bios ? 'SeaBIOS (bios.bin) was' : 'the VGA BIOS (vgabios-stdvga.bin) was';
  return {
    found: false,
    message: `${missing} not found: ${hint}, or set KASO_FIRMWARE_DIR to a folder holding bios.bin and vgabios-stdvga.bin`,
  };
}
