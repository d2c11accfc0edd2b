import { Command, Option } from 'commander';
import path from 'node:path';
import { ApiError } from '../../api/requests.js';
import { BOOT_DEVICES, COM_MODES, ENGINES, IDE_SLOTS, OS_PRESETS, type ComPort, type Drive, type VmSettings } from '../../api/vm-settings.js';

export interface SettingsOptions {
  preset?: string;
  memory?: string;
  disk?: string[];
  cdrom?: string;
  floppy?: string;
  boot?: string;
  kernel?: string;
  initrd?: string;
  append?: string;
  engine?: string;
  cpuReserve?: string;
  cpuMax?: string;
  processors?: string;
  cpuWeight?: string;
  com1?: string;
  com2?: string;
  undoDisks?: string;
  notes?: string;
}

/** Every VM setting as a flag, for `kaso vm create` and `kaso vm set`. */
export function addSettingsFlags(c: Command): Command {
  return c
    .addOption(new Option('--preset <os>', 'OS preset (sets memory and engine defaults)').choices(OS_PRESETS))
    .option('--memory <MiB>', 'memory in MiB')
    .option('--disk <file...>', 'hard disk(s) in IDE order: primary master, primary slave, then the secondary channel')
    .option('--cdrom <iso>', 'ISO image in the CD-ROM drive ("none" to empty it)')
    .option('--floppy <img>', 'floppy image ("none" to eject)')
    .option('--boot <order>', `boot order, e.g. cd,disk,floppy (${BOOT_DEVICES.join(', ')})`)
    .option('--kernel <file>', 'boot this Linux kernel directly ("none" to stop)')
    .option('--initrd <file>', 'initial RAM disk for --kernel')
    .option('--append <text>', 'kernel command line for --kernel')
    .addOption(new Option('--engine <engine>', 'engine').choices(ENGINES))
    .option('--cpu-reserve <percent>', 'CPU reserve (percent of one host core)')
    .option('--cpu-max <percent>', 'CPU maximum (percent of one host core per processor)')
    .option('--processors <n>', 'virtual processors (the QEMU engine; the embedded engine has one)')
    .option('--cpu-weight <n>', 'relative CPU weight (1-10000)')
    .option('--com1 <mode>', `COM1: ${COM_MODES.join(', ')} (socket:PATH, file:PATH)`)
    .option('--com2 <mode>', 'COM2: as --com1')
    .addOption(new Option('--undo-disks <on|off>', 'undo disks: keep each session\'s changes apart until `kaso vm undo`').choices(['on', 'off']))
    .option('--notes <text>', 'notes');
}

const absolute = (p: string) => path.resolve(p);
const none = (v: string) => v.toLowerCase() === 'none';

function int(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new ApiError('INVALID_INPUT', `${flag}: "${value}" is not a whole number`);
  return n;
}

function comPort(value: string, flag: string): ComPort {
  const [mode, ...rest] = value.split(':');
  const where = rest.join(':');
  if (mode === 'socket' || mode === 'file') {
    if (!where) throw new ApiError('INVALID_INPUT', `${flag}: ${mode} needs a path (${mode}:PATH)`);
    return { mode, path: mode === 'file' ? absolute(where) : where };
  }
  if (mode === 'none' || mode === 'terminal' || mode === 'pty') return { mode };
  throw new ApiError('INVALID_INPUT', `${flag}: "${value}" is not one of ${COM_MODES.join(', ')}`);
}

/** The settings the flags change, merged over `current` where a flag edits part of a setting. */
export function settingsFromFlags(o: SettingsOptions, current: VmSettings | null): Partial<VmSettings> {
  const patch: Partial<VmSettings> = {};
  if (o.preset) patch.osPreset = o.preset as VmSettings['osPreset'];
  if (o.memory) patch.memoryMiB = int(o.memory, '--memory');
  if (o.engine) patch.engine = o.engine as VmSettings['engine'];
  if (o.notes !== undefined) patch.notes = o.notes;
  if (o.undoDisks) patch.undoDisks = o.undoDisks === 'on';
  if (o.disk || o.cdrom) patch.ide = ideFromFlags(o, current);
  if (o.floppy) patch.floppy = none(o.floppy) ? null : absolute(o.floppy);
  if (o.boot) patch.bootOrder = o.boot.split(',').map((d) => d.trim()) as VmSettings['bootOrder'];
  if (o.kernel) patch.kernel = none(o.kernel) ? null : { kernel: absolute(o.kernel), initrd: o.initrd ? absolute(o.initrd) : null, append: o.append ?? '' };
  else if ((o.initrd || o.append !== undefined) && current?.kernel)
    patch.kernel = { ...current.kernel, ...(o.initrd ? { initrd: absolute(o.initrd) } : {}), ...(o.append !== undefined ? { append: o.append } : {}) };
  if (o.cpuReserve || o.cpuMax || o.cpuWeight || o.processors) {
    const cpu = current?.cpu ?? { processors: 1, reserve: 0, maximum: 100, weight: 100 };
    patch.cpu = {
      processors: o.processors ? int(o.processors, '--processors') : cpu.processors,
      reserve: o.cpuReserve ? int(o.cpuReserve, '--cpu-reserve') : cpu.reserve,
      maximum: o.cpuMax ? int(o.cpuMax, '--cpu-max') : cpu.maximum,
      weight: o.cpuWeight ? int(o.cpuWeight, '--cpu-weight') : cpu.weight,
    };
  }
  if (o.com1 || o.com2) {
    const com = current?.com ?? [{ mode: 'terminal' }, { mode: 'none' }];
    patch.com = [o.com1 ? comPort(o.com1, '--com1') : com[0], o.com2 ? comPort(o.com2, '--com2') : com[1]];
  }
  return patch;
}

/** Disks take the IDE positions in order, skipping the one the CD-ROM drive holds (secondary master). */
function ideFromFlags(o: SettingsOptions, current: VmSettings | null): VmSettings['ide'] {
  const ide: VmSettings['ide'] = current
    ? { ...current.ide }
    : { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: null }, secondarySlave: null };
  if (o.cdrom) ide.secondaryMaster = { kind: 'cdrom', path: none(o.cdrom) ? null : absolute(o.cdrom) };
  if (o.disk) {
    for (const slot of IDE_SLOTS) if (ide[slot]?.kind === 'disk') ide[slot] = null;
    const free = IDE_SLOTS.filter((s) => ide[s] === null);
    if (o.disk.length > free.length) throw new ApiError('INVALID_INPUT', `--disk: at most ${free.length} disks fit beside the CD-ROM drive`);
    o.disk.forEach((file, i) => (ide[free[i]!] = { kind: 'disk', path: absolute(file) } satisfies Drive));
  }
  return ide;
}
