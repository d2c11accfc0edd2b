import { z } from 'zod';
import { MAX_NICS, NicSchema } from './networks.js';
import type { Snapshots } from './snapshots.js';

/**
 * A virtual machine's settings: what `<Name>.kaso.json` holds and what the wizard, the settings dialog and
 * `kaso vm create|set` edit. One schema, used by the host to validate every change from any client.
 */

export const OS_PRESETS = ['msdos', 'win98', 'win2000', 'winxp', 'linux32', 'linux64', 'other'] as const;
export type OsPreset = (typeof OS_PRESETS)[number];

export interface PresetDefaults {
  label: string;
  memoryMiB: number;
  diskGiB: number;
  engine: Engine;
}

/** What choosing an OS in the wizard sets, as Virtual PC's "Operating system" page did. */
export const PRESETS: Record<OsPreset, PresetDefaults> = {
  msdos: { label: 'MS-DOS', memoryMiB: 16, diskGiB: 2, engine: 'v86' },
  win98: { label: 'Windows 98', memoryMiB: 128, diskGiB: 8, engine: 'v86' },
  win2000: { label: 'Windows 2000', memoryMiB: 256, diskGiB: 16, engine: 'v86' },
  winxp: { label: 'Windows XP', memoryMiB: 512, diskGiB: 16, engine: 'v86' },
  linux32: { label: 'Linux 32-bit', memoryMiB: 256, diskGiB: 16, engine: 'v86' },
  linux64: { label: 'Linux 64-bit (QEMU)', memoryMiB: 1024, diskGiB: 32, engine: 'qemu' },
  other: { label: 'Other', memoryMiB: 128, diskGiB: 8, engine: 'v86' },
};

export const ENGINES = ['v86', 'qemu'] as const;
export type Engine = (typeof ENGINES)[number];

/** The embedded engine is a 32-bit PC: above 3.5 GiB there is no room below the 4 GiB line. */
export const MEMORY_LIMITS_MIB: Record<Engine, { min: number; max: number }> = {
  v86: { min: 8, max: 3584 },
  qemu: { min: 16, max: 65536 },
};

export const MAX_PROCESSORS = 64;

/** The embedded engine's NICs (main/engine/v86/nic-adapter.ts says why not four). */
export const V86_MAX_NICS = 3;

export const IDE_SLOTS = ['primaryMaster', 'primarySlave', 'secondaryMaster', 'secondarySlave'] as const;
export type IdeSlot = (typeof IDE_SLOTS)[number];
export const IDE_SLOT_LABELS: Record<IdeSlot, string> = {
  primaryMaster: 'IDE primary master',
  primarySlave: 'IDE primary slave',
  secondaryMaster: 'IDE secondary master',
  secondarySlave: 'IDE secondary slave',
};

const filePath = z.string().trim().min(1, 'a file path is required').max(4096);

export const DriveSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('disk'), path: filePath }),
  z.object({ kind: z.literal('cdrom'), path: filePath.nullable() }),
]);
export type Drive = z.infer<typeof DriveSchema>;

export const COM_MODES = ['none', 'terminal', 'pty', 'socket', 'file'] as const;
export type ComMode = (typeof COM_MODES)[number];

export const ComPortSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('none') }),
  z.object({ mode: z.literal('terminal') }),
  z.object({ mode: z.literal('pty') }),
  z.object({ mode: z.literal('socket'), path: filePath }),
  z.object({ mode: z.literal('file'), path: filePath }),
]);
export type ComPort = z.infer<typeof ComPortSchema>;

export const BOOT_DEVICES = ['cd', 'disk', 'floppy'] as const;
export type BootDevice = (typeof BOOT_DEVICES)[number];

const name = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(64, 'at most 64 characters')
  .refine((n) => !/[/\\:*?"<>|]/.test(n) && ![...n].some((ch) => ch.charCodeAt(0) < 32), 'a name cannot contain / \\ : * ? " < > | or control characters')
  .refine((n) => n !== '.' && n !== '..' && !n.endsWith('.'), 'not a usable folder name');

/** The settings' fields, each checked alone (a patch from a dialog is checked with these). */
export const VmSettingsFields = z
  .object({
    name,
    osPreset: z.enum(OS_PRESETS),
    engine: z.enum(ENGINES),
    memoryMiB: z.number().int('memory is a whole number of MiB'),
    cpu: z.object({
      /** Virtual processors (the embedded engine has one). */
      processors: z.number().int().min(1).max(MAX_PROCESSORS).default(1),
      reserve: z.number().int().min(0).max(100),
      maximum: z.number().int().min(1).max(100),
      weight: z.number().int().min(1).max(10000),
    }),
    ide: z.object({
      primaryMaster: DriveSchema.nullable(),
      primarySlave: DriveSchema.nullable(),
      secondaryMaster: DriveSchema.nullable(),
      secondarySlave: DriveSchema.nullable(),
    }),
    floppy: filePath.nullable(),
    bootOrder: z
      .array(z.enum(BOOT_DEVICES))
      .min(1)
      .max(3)
      .refine((o) => new Set(o).size === o.length, 'each boot device once'),
    kernel: z.object({ kernel: filePath, initrd: filePath.nullable(), append: z.string().max(4096) }).nullable(),
    com: z.tuple([ComPortSchema, ComPortSchema]),
    /** Virtual PC's undo disks: a session's writes go to differencing disks kept apart until commit or discard. */
    undoDisks: z.boolean().default(false),
    /** Up to four NICs, in PCI order; each MAC unique across the library (checked by the library). */
    nics: z.array(NicSchema).max(MAX_NICS, `a VM has at most ${MAX_NICS} network adapters`).default([]),
    notes: z.string().max(100_000),
  })
  .strict();

/** Settings as a whole: the fields plus the rules that tie them together. */
export const VmSettingsSchema = VmSettingsFields.superRefine((s, ctx) => {
    const { min, max } = MEMORY_LIMITS_MIB[s.engine];
    if (s.memoryMiB < min || s.memoryMiB > max)
      ctx.addIssue({ code: 'custom', path: ['memoryMiB'], message: `memory must be from ${min} to ${max} MiB for the ${s.engine} engine` });
    const macs = s.nics.map((n) => n.mac);
    macs.forEach((mac, i) => {
      if (macs.indexOf(mac) !== i) ctx.addIssue({ code: 'custom', path: ['nics', i, 'mac'], message: `NIC ${i + 1} has the same MAC address as NIC ${macs.indexOf(mac) + 1}` });
    });
    if (s.engine === 'v86' && s.nics.length > V86_MAX_NICS)
      ctx.addIssue({ code: 'custom', path: ['nics'], message: `the embedded engine has at most ${V86_MAX_NICS} network adapters (choose the QEMU engine for four)` });
    if (s.engine === 'v86' && s.nics.length > 1)
      s.nics.forEach((n, i) => {
        if (n.model === 'virtio')
          ctx.addIssue({ code: 'custom', path: ['nics', i, 'model'], message: 'the embedded engine has virtio-net for a single adapter only: with more adapters, make them all NE2000 (or choose the QEMU engine)' });
      });
    if (s.engine === 'v86' && s.cpu.processors > 1)
      ctx.addIssue({ code: 'custom', path: ['cpu', 'processors'], message: 'the embedded engine has one processor (choose the QEMU engine for more)' });
    if (s.cpu.reserve > s.cpu.maximum)
      ctx.addIssue({ code: 'custom', path: ['cpu', 'reserve'], message: 'the CPU reserve cannot exceed the maximum' });
  });
export type VmSettings = z.infer<typeof VmSettingsSchema>;

/** A new VM's settings: the name and whatever the preset does not decide. */
export function defaultSettings(vmName: string, preset: OsPreset = 'other'): VmSettings {
  const d = PRESETS[preset];
  return {
    name: vmName,
    osPreset: preset,
    engine: d.engine,
    memoryMiB: d.memoryMiB,
    cpu: { processors: 1, reserve: 0, maximum: 100, weight: 100 },
    ide: { primaryMaster: null, primarySlave: null, secondaryMaster: { kind: 'cdrom', path: null }, secondarySlave: null },
    floppy: null,
    bootOrder: ['cd', 'disk', 'floppy'],
    kernel: null,
    com: [{ mode: 'terminal' }, { mode: 'none' }],
    undoDisks: false,
    nics: [],
    notes: '',
  };
}

/** The file on disk: the settings plus identity and times. */
export const VmFileSchema = z.object({
  format: z.literal('kaso-vm'),
  version: z.literal(1),
  id: z.string().uuid(),
  created: z.string(),
  modified: z.string(),
  settings: z.unknown(),
  /** The snapshot tree (absent until the first snapshot), checked with SnapshotsSchema by the library. */
  snapshots: z.unknown().optional(),
  /** The undo disks of the session in progress (their writes not yet committed or discarded). */
  undo: z.object({ disks: z.array(z.object({ slot: z.enum(IDE_SLOTS), path: z.string() })) }).optional(),
  /** The last snapshot transaction committed with this file (see main/host/snapshots/journal.ts). */
  transaction: z.string().optional(),
});
export type VmFile = Omit<z.infer<typeof VmFileSchema>, 'settings' | 'snapshots'> & { settings: VmSettings; snapshots?: Snapshots };
