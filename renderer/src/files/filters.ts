import { t, type MessageKey } from '../i18n/index.js';

export interface FileFilter {
  label: MessageKey;
  /** Lower-case endings with their dot; empty: every file. */
  extensions: readonly string[];
}

export const FILTERS = {
  hardDisk: { label: 'files.filter.hardDisk', extensions: ['.vhd', '.vhdlink', '.img', '.raw'] },
  cdImage: { label: 'files.filter.cdImage', extensions: ['.iso'] },
  floppy: { label: 'files.filter.floppy', extensions: ['.img', '.ima', '.flp', '.vfd'] },
  kernel: { label: 'files.filter.all', extensions: [] },
  vm: { label: 'files.filter.vm', extensions: ['.vmc', '.kaso.json'] },
  all: { label: 'files.filter.all', extensions: [] },
} satisfies Record<string, FileFilter>;

export type FilterName = keyof typeof FILTERS;

/** What a chooser picks: a file (folders are opened), a folder (files are not shown), or either. */
export type PickKind = 'file' | 'folder' | 'any';

export function filterLabel(f: FileFilter): string {
  const name = t(f.label);
  return f.extensions.length ? `${name} (${f.extensions.map((x) => `*${x}`).join(', ')})` : name;
}
