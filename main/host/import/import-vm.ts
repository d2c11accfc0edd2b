import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../../api/requests.js';
import { IDE_SLOTS, MEMORY_LIMITS_MIB, PRESETS, type Drive, type VmSettings } from '../../api/vm-settings.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';
import type { Nic } from '../../api/networks.js';
import { parseVmc, pathCandidates, VmcError, type VmcNic, type VmcPath } from './vmc.js';

/** Turns a machine's foreign NICs into Kaso's (main/host/networks/imported-nics.ts). */
export type NicsFor = (foreign: VmcNic[]) => { nics: Nic[]; warnings: string[] };

export interface Imported {
  record: VmRecord;
  /** What did not come over, one sentence each. */
  warnings: string[];
}

/**
 * Brings a machine into the library: a Virtual PC / Virtual Server `.vmc` (its VHDs are used where they
 * are), or a Kaso VM folder or `.kaso.json` (an export, a copy), registered where it is.
 */
export async function importVm(library: VmLibrary, file: string, nicsFor: NicsFor, name?: string): Promise<Imported> {
  const full = path.resolve(file);
  const st = await fs.stat(full).catch(() => null);
  if (!st) throw new ApiError('INVALID_INPUT', `path: ${full} does not exist`, 'path');
  if (st.isDirectory()) return { record: await library.adopt(await kasoFileIn(full), name), warnings: [] };
  if (full.endsWith('.kaso.json')) return { record: await library.adopt(full, name), warnings: [] };
  if (full.toLowerCase().endsWith('.vmc')) return fromVmc(library, full, nicsFor, name);
  throw new ApiError('INVALID_INPUT', `path: ${full} is neither a .vmc file nor a Kaso VM folder`, 'path');
}

async function kasoFileIn(folder: string): Promise<string> {
  const files = (await fs.readdir(folder)).filter((f) => f.endsWith('.kaso.json'));
  if (files.length !== 1)
    throw new ApiError('INVALID_INPUT', `path: ${folder} holds ${files.length === 0 ? 'no' : files.length} .kaso.json files; a VM folder holds one`, 'path');
  return path.join(folder, files[0]!);
}

async function fromVmc(library: VmLibrary, file: string, nicsFor: NicsFor, name?: string): Promise<Imported> {
  let m;
  try {
    m = parseVmc(await fs.readFile(file), path.basename(file));
  } catch (e) {
    if (e instanceof VmcError) throw new ApiError('INVALID_INPUT', `path: ${e.message}`, 'path');
    throw e;
  }
  const folder = path.dirname(file);
  const warnings = [...m.warnings];
  const found = (p: VmcPath) => pathCandidates(p, folder).find((c) => existsSync(c)) ?? null;
  const ide = {} as VmSettings['ide'];
  for (const slot of IDE_SLOTS) {
    const d = m.ide[slot];
    let drive: Drive | null = null;
    if (d?.kind === 'disk') {
      const where = found(d.path);
      if (!where) throw new ApiError('INVALID_INPUT', `path: the disk ${d.path.absolute ?? d.path.relative} named in ${path.basename(file)} was not found (looked beside the .vmc and at its absolute path)`, 'path');
      drive = { kind: 'disk', path: where };
    } else if (d?.kind === 'cdrom') {
      const where = d.path ? found(d.path) : null;
      if (d.path && !where) warnings.push(`The CD image ${d.path.absolute ?? d.path.relative} was not found: the drive is left empty.`);
      drive = { kind: 'cdrom', path: where };
    }
    ide[slot] = drive;
  }
  const limits = MEMORY_LIMITS_MIB.v86;
  let memoryMiB = m.memoryMiB ?? PRESETS.other.memoryMiB;
  if (memoryMiB > limits.max || memoryMiB < limits.min) {
    warnings.push(`${memoryMiB} MiB of memory is outside what the embedded engine offers; set to ${Math.min(limits.max, Math.max(limits.min, memoryMiB))} MiB.`);
    memoryMiB = Math.min(limits.max, Math.max(limits.min, memoryMiB));
  }
  const adapters = nicsFor(m.nics);
  warnings.push(...adapters.warnings);
  const notes = [m.notes, `Imported from ${file}.`].filter(Boolean).join('\n\n');
  const floppy = m.floppy ? found(m.floppy) : null;
  const record = await library.create({ name: name ?? m.name, osPreset: 'other', engine: 'v86', memoryMiB, ide, floppy, undoDisks: m.undoDisks, notes, nics: adapters.nics, bootOrder: ['cd', 'disk', 'floppy'] });
  return { record, warnings };
}
