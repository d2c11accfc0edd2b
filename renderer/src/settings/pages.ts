import type { HostInfo, VmDetails } from '../../../main/api/requests.js';
import type { VmSettings } from '../../../main/api/vm-settings.js';
import type { VmSummary } from '../../../main/api/vm-state.js';

export const PAGES = ['general', 'memory', 'cpu', 'disks', 'cd', 'floppy', 'com', 'network', 'boot', 'engine'] as const;
export type PageName = (typeof PAGES)[number];

export interface SettingsPageProps {
  draft: VmSettings;
  set: (patch: Partial<VmSettings>) => void;
  /** The error for a field (or a part of it), in words, or null. */
  errorFor: (field: string) => string | null;
  readOnly: boolean;
  vm: VmDetails;
  /** The live summary (state, COM endpoints while running). */
  live: VmSummary | undefined;
  host: HostInfo | null;
}

/** Which page shows a field the host named in an error. */
export function pageOfField(field: string): PageName {
  const top = field.split('.')[0];
  switch (top) {
    case 'memoryMiB':
      return 'memory';
    case 'cpu':
      return 'cpu';
    case 'ide':
    case 'undoDisks':
      return 'disks';
    case 'floppy':
      return 'floppy';
    case 'com':
      return 'com';
    case 'nics':
      return 'network';
    case 'bootOrder':
      return 'boot';
    case 'engine':
    case 'kernel':
      return 'engine';
    default:
      return 'general';
  }
}

/** The top-level settings that differ from the VM's: what vm.update is sent. */
export function changedFields(before: VmSettings, after: VmSettings): Partial<VmSettings> {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof VmSettings)[])
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  return patch as Partial<VmSettings>;
}
