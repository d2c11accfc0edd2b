import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DiskError } from './errors.js';
import { DiskFile } from './disk-file.js';
import { chooseFooter, readFooterCopies } from './format/footer-copies.js';
import { formatGuid, sameGuid } from './format/guid.js';
import { decodeLocatorPath, hostPathFromLocator, isRelativeLocator, platformCodeName } from './format/locator-paths.js';
import { PlatformCode } from './format/constants.js';
import type { SparseLayout } from './sparse-layout.js';

export interface LocatorEntry {
  index: number;
  platform: string;
  /** The text the locator holds, or null when it cannot be read. */
  text: string | null;
  problem?: string;
}

export interface ParentCandidate {
  path: string;
  via: string;
}

/** Reads every parent locator; a damaged one is reported, not fatal (another may still lead to the parent). */
export async function readLocators(layout: SparseLayout): Promise<LocatorEntry[]> {
  const out: LocatorEntry[] = [];
  for (const [index, l] of layout.header.locators.entries()) {
    if (l.platformCode === PlatformCode.None) continue;
    const platform = platformCodeName(l.platformCode);
    if (l.dataLength > 64 * 1024) {
      out.push({ index, platform, text: null, problem: `locator ${index} claims ${l.dataLength} bytes of path` });
      continue;
    }
    try {
      const data = await layout.file.readAt(l.dataOffset, l.dataLength, `parent locator ${index}`);
      out.push({ index, platform, text: decodeLocatorPath(l.platformCode, data) });
    } catch (e) {
      out.push({ index, platform, text: null, problem: (e as Error).message });
    }
  }
  return out;
}

/** Where the parent may be, in the order Kaso tries: relative locators, absolute ones, then the bare name. */
export function parentCandidates(childPath: string, layout: SparseLayout, locators: LocatorEntry[]): ParentCandidate[] {
  const childDir = path.dirname(path.resolve(childPath));
  const codeOf = (e: LocatorEntry) => layout.header.locators[e.index]!.platformCode;
  const ordered = [...locators].sort((a, b) => rank(codeOf(a)) - rank(codeOf(b)));
  const out: ParentCandidate[] = [];
  for (const e of ordered) {
    if (!e.text) continue;
    out.push({ path: hostPathFromLocator(e.text, isRelativeLocator(codeOf(e)), childDir), via: `${e.platform} locator` });
  }
  const name = layout.header.parentName;
  if (name) out.push({ path: path.join(childDir, path.basename(name.replace(/\\/g, '/'))), via: 'parent name, beside the child' });
  return out.filter((c, i) => out.findIndex((o) => o.path === c.path) === i);
}

function rank(code: number): number {
  const order: number[] = [PlatformCode.W2ru, PlatformCode.W2ku, PlatformCode.MacX, PlatformCode.Wi2r, PlatformCode.Wi2k];
  const i = order.indexOf(code);
  return i < 0 ? order.length : i;
}

/**
 * Finds the parent file whose unique id is the one the child recorded. A file at a locator's path with a
 * different id is never used: that is how a chain silently reads the wrong data.
 */
export async function locateParent(childPath: string, layout: SparseLayout): Promise<string> {
  const locators = await readLocators(layout);
  const candidates = parentCandidates(childPath, layout, locators);
  const wanted = layout.header.parentUniqueId;
  const mismatches: string[] = [];
  for (const c of candidates) {
    const id = await uniqueIdAt(c.path);
    if (id === null) continue;
    if (sameGuid(id, wanted)) return c.path;
    mismatches.push(`${c.path} (via ${c.via}) has unique id ${formatGuid(id)}`);
  }
  if (mismatches.length > 0)
    throw new DiskError(
      'PARENT_MISMATCH',
      childPath,
      `its parent must have unique id ${formatGuid(wanted)}, but ${mismatches.join('; ')}. ` +
        'Use "kaso disk reparent" to point it at the right parent.',
    );
  const looked = candidates.map((c) => `${c.path} (${c.via})`).join(', ') || 'no parent locator or name recorded';
  const damaged = locators.filter((l) => l.problem).map((l) => l.problem);
  throw new DiskError(
    'PARENT_MISSING',
    childPath,
    `parent disk "${layout.header.parentName}" not found; looked at ${looked}` +
      (damaged.length ? `; damaged locators: ${damaged.join('; ')}` : ''),
  );
}

async function uniqueIdAt(file: string): Promise<Uint8Array | null> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return null;
  } catch {
    return null;
  }
  const f = await DiskFile.open(file, 'read');
  try {
    return chooseFooter(file, await readFooterCopies(f)).footer.uniqueId;
  } catch {
    return null;
  } finally {
    await f.close();
  }
}
