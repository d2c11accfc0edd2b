import { DiskError } from '../errors.js';
import type { DiskFile } from '../disk-file.js';
import { FOOTER_SIZE, DiskType } from './constants.js';
import { parseFooter, type Footer, type ParsedFooter } from './footer.js';

export interface FooterCopies {
  /** The copy in the last 512 bytes of the file (authoritative when sound). */
  trailing: ParsedFooter | null;
  /** The copy at offset 0 (dynamic and differencing disks keep one). */
  backup: ParsedFooter | null;
}

export interface ChosenFooter {
  footer: Footer;
  source: 'trailing' | 'backup';
  copies: FooterCopies;
}

export async function readFooterCopies(file: DiskFile): Promise<FooterCopies> {
  if (file.size < FOOTER_SIZE) return { trailing: null, backup: null };
  const tail = await file.readAt(alignDown(file.size - FOOTER_SIZE), FOOTER_SIZE, 'footer');
  const head = await file.readAt(0, FOOTER_SIZE, 'footer copy');
  return { trailing: parseFooter(tail), backup: parseFooter(head) };
}

const sound = (p: ParsedFooter | null): p is ParsedFooter => p !== null && p.problems.length === 0;

/**
 * The trailing footer when it is sound; else the backup copy at offset 0, which exists only for dynamic and
 * differencing disks. A file with neither is not a VHD, or one damaged past what we will guess at.
 */
export function chooseFooter(path: string, copies: FooterCopies): ChosenFooter {
  if (sound(copies.trailing)) return { footer: copies.trailing.footer, source: 'trailing', copies };
  if (sound(copies.backup) && copies.backup.footer.diskType !== DiskType.Fixed)
    return { footer: copies.backup.footer, source: 'backup', copies };
  const found = copies.trailing ?? copies.backup;
  if (!found) throw new DiskError('NOT_VHD', path, 'not a VHD file (no "conectix" footer at either end)');
  throw new DiskError('CORRUPT', path, `the VHD footer is damaged: ${found.problems.join('; ')}`);
}

export function alignDown(n: number): number {
  return n - (n % 512);
}
