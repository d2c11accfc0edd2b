import { basename, isAbsolute, separatorOf } from '../files/paths.js';

/**
 * Where an export of the VM in `vmFolder` goes when `folder` is chosen: a folder of the VM folder's name
 * inside it (as the host makes it), or null while `folder` is not a full path.
 */
export function exportTarget(folder: string, vmFolder: string): string | null {
  const dest = folder.trim();
  if (!isAbsolute(dest)) return null;
  const sep = separatorOf(dest);
  return `${dest.replace(/[\\/]+$/, '')}${sep}${basename(vmFolder)}`;
}
