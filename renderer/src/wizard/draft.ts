import type { RequestInput } from '../../../main/api/requests.js';
import { MEMORY_LIMITS_MIB, PRESETS, VmSettingsFields, type OsPreset } from '../../../main/api/vm-settings.js';
import { t } from '../i18n/index.js';
import { sentence } from '../state/errors.js';

export const STEPS = ['name', 'os', 'memory', 'disk', 'cd', 'summary'] as const;
export type Step = (typeof STEPS)[number];

export type DiskChoice = 'new' | 'existing' | 'none';

/** What the wizard has gathered so far. */
export interface WizardDraft {
  name: string;
  preset: OsPreset;
  memoryMiB: number;
  disk: DiskChoice;
  sizeGiB: number;
  existingDisk: string;
  cdImage: string;
}

export function initialDraft(preset: OsPreset = 'other'): WizardDraft {
  const d = PRESETS[preset];
  return { name: '', preset, memoryMiB: d.memoryMiB, disk: 'new', sizeGiB: d.diskGiB, existingDisk: '', cdImage: '' };
}

/** Choosing an OS sets the memory and disk size it needs, as Virtual PC's wizard did. */
export function withPreset(draft: WizardDraft, preset: OsPreset): WizardDraft {
  const d = PRESETS[preset];
  return { ...draft, preset, memoryMiB: d.memoryMiB, sizeGiB: d.diskGiB };
}

export const MAX_DISK_GIB = 2040;

/** The first problem on a step, by field, checked with the same rules the host uses. */
export function checkStep(step: Step, d: WizardDraft, takenNames: readonly string[] = []): Record<string, string> {
  const errors: Record<string, string> = {};
  if (step === 'name') {
    const r = VmSettingsFields.shape.name.safeParse(d.name);
    if (!r.success) errors.name = sentence(r.error.issues[0]!.message);
    else if (takenNames.some((n) => n.toLowerCase() === r.data.toLowerCase())) errors.name = t('wizard.name.taken', { name: r.data });
  } else if (step === 'memory') {
    const { min, max } = MEMORY_LIMITS_MIB[PRESETS[d.preset].engine];
    if (!Number.isInteger(d.memoryMiB) || d.memoryMiB < min || d.memoryMiB > max) errors.memoryMiB = t('memory.outOfRange', { min, max });
  } else if (step === 'disk') {
    if (d.disk === 'new' && (!Number.isInteger(d.sizeGiB) || d.sizeGiB < 1 || d.sizeGiB > MAX_DISK_GIB))
      errors['newDisk.sizeMiB'] = t('wizard.disk.sizeRange', { max: MAX_DISK_GIB });
    if (d.disk === 'existing' && !d.existingDisk.trim()) errors['ide.primaryMaster'] = t('wizard.disk.pathRequired');
  }
  return errors;
}

/** Which step shows a field the host named in an error. */
export function stepOfField(field: string): Step {
  if (field === 'name') return 'name';
  if (field === 'osPreset' || field === 'engine') return 'os';
  if (field === 'memoryMiB') return 'memory';
  if (field.startsWith('newDisk') || field.startsWith('ide.primaryMaster')) return 'disk';
  if (field.startsWith('ide.secondaryMaster')) return 'cd';
  return 'summary';
}

/** The vm.create request for the draft. */
export function createRequest(d: WizardDraft): RequestInput<'vm.create'> {
  const engine = PRESETS[d.preset].engine;
  return {
    settings: {
      name: d.name.trim(),
      osPreset: d.preset,
      engine,
      memoryMiB: d.memoryMiB,
      ide: {
        primaryMaster: d.disk === 'existing' ? { kind: 'disk', path: d.existingDisk.trim() } : null,
        primarySlave: null,
        secondaryMaster: { kind: 'cdrom', path: d.cdImage.trim() || null },
        secondarySlave: null,
      },
    },
    ...(d.disk === 'new' ? { newDisk: { sizeMiB: d.sizeGiB * 1024 } } : {}),
  };
}
