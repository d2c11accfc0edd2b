/** Path helpers for host paths shown in the browser (POSIX or Windows, as the host writes them). */

export function separatorOf(p: string): '/' | '\\' {
  return /^[A-Za-z]:\\/.test(p) || (p.includes('\\') && !p.includes('/')) ? '\\' : '/';
}

export function isAbsolute(p: string): boolean {
  return p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

export function dirname(p: string): string {
  const sep = separatorOf(p);
  const trimmed = p.length > 1 ? p.replace(/[\\/]+$/, '') : p;
  const at = trimmed.lastIndexOf(sep);
  if (at < 0) return '.';
  if (at === 0) return sep;
  if (/^[A-Za-z]:$/.test(trimmed.slice(0, at))) return trimmed.slice(0, at + 1);
  return trimmed.slice(0, at);
}

export function basename(p: string): string {
  const trimmed = p.replace(/[\\/]+$/, '');
  return trimmed.slice(Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\')) + 1);
}

/** `p` as an absolute path: relative paths in a VM's settings are inside its folder. */
export function resolveIn(folder: string, p: string): string {
  if (isAbsolute(p)) return p;
  const sep = separatorOf(folder);
  const parts = `${folder}${sep}${p}`.split(/[\\/]/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && (part !== '' || out.length === 0)) out.push(part);
  }
  return out.join(sep) || sep;
}

export function isInside(folder: string, file: string): boolean {
  const sep = separatorOf(folder);
  return file.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

export function hasExtension(name: string, extensions: readonly string[]): boolean {
  const lower = name.toLowerCase();
  return extensions.length === 0 || extensions.some((x) => lower.endsWith(x));
}
