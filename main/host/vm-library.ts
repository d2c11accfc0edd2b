import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { openStore, type Store } from '../../native-shims/store.js';
import { ApiError } from '../api/requests.js';
import { SnapshotsSchema } from '../api/snapshots.js';
import {
  VmFileSchema,
  VmSettingsSchema,
  defaultSettings,
  type IdeSlot,
  type VmFile,
  type VmSettings,
} from '../api/vm-settings.js';
import { createDynamic, findDependents, replaceAtomically, uniqueIdOf } from '../disk/index.js';
import { defaultLibraryFolder } from './paths.js';

/** A VM as the library knows it: its file, folder and settings. */
export interface VmRecord {
  id: string;
  configFile: string;
  folder: string;
  file: VmFile;
}

type LibraryIndex = { vms: string[] } & Record<string, unknown>;

/**
 * The VM library: every VM is a folder holding `<Name>.kaso.json`, its disks and its saved state, so copying
 * the folder copies the VM. The index of known VMs (which may live anywhere) is a small store beside.
 * Every write is atomic: a crash leaves the old file or the new one, never half of either.
 */
export class VmLibrary {
  private readonly records = new Map<string, VmRecord>();
  /** Config files that could not be read, with the reason (shown, never silently dropped). */
  readonly unreadable: { configFile: string; reason: string }[] = [];

  private constructor(
    readonly home: string,
    private readonly index: Store<LibraryIndex>,
  ) {}

  static async open(home: string): Promise<VmLibrary> {
    await fs.mkdir(home, { recursive: true });
    const index = await openStore<LibraryIndex>(home, 'library', { vms: [] });
    const lib = new VmLibrary(home, index);
    for (const file of lib.index.get('vms')) await lib.load(path.resolve(home, file));
    return lib;
  }

  get folder(): string {
    return defaultLibraryFolder(this.home);
  }

  list(): VmRecord[] {
    return [...this.records.values()].sort((a, b) => a.file.settings.name.localeCompare(b.file.settings.name));
  }

  /** The VM (other than `exceptId`) that has a NIC with this MAC address, if any: MACs are unique in a library. */
  nicOwner(mac: string, exceptId: string | null = null): VmRecord | null {
    for (const r of this.records.values()) if (r.id !== exceptId && r.file.settings.nics.some((n) => n.mac === mac)) return r;
    return null;
  }

  get(id: string): VmRecord {
    const r = this.records.get(id);
    if (!r) throw new ApiError('NOT_FOUND', `no virtual machine with id ${id}`);
    return r;
  }

  /** By id, or by name (case-insensitive), for the CLI. */
  find(idOrName: string): VmRecord {
    const byId = this.records.get(idOrName);
    if (byId) return byId;
    const byName = this.list().filter((r) => r.file.settings.name.toLowerCase() === idOrName.toLowerCase());
    if (byName.length === 1) return byName[0]!;
    throw new ApiError('NOT_FOUND', `no virtual machine named "${idOrName}"`);
  }

  /** Makes a VM folder with its settings file, and a new dynamic disk if asked. */
  async create(patch: Partial<VmSettings>, newDiskMiB?: number): Promise<VmRecord> {
    const name = patch.name?.trim();
    if (!name) throw new ApiError('INVALID_INPUT', 'name: a name is required', 'name');
    const preset = patch.osPreset ?? 'other';
    const settings = validate({ ...defaultSettings(name, preset), ...patch, name });
    if (this.list().some((r) => r.file.settings.name.toLowerCase() === name.toLowerCase()))
      throw new ApiError('CONFLICT', `a virtual machine named "${name}" already exists`, 'name');
    const folder = path.join(this.folder, name);
    if (existsSync(folder)) throw new ApiError('CONFLICT', `the folder ${folder} already exists`, 'name');
    await fs.mkdir(folder, { recursive: true });
    try {
      if (newDiskMiB) {
        const disk = `${name}.vhd`;
        await createDynamic(path.join(folder, disk), newDiskMiB * 1024 * 1024);
        settings.ide.primaryMaster = { kind: 'disk', path: disk };
      }
      const now = new Date().toISOString();
      const record: VmRecord = {
        id: randomUUID(),
        folder,
        configFile: path.join(folder, `${name}.kaso.json`),
        file: { format: 'kaso-vm', version: 1, id: '', created: now, modified: now, settings },
      };
      record.file.id = record.id;
      await this.checkFiles(record);
      await this.write(record);
      this.records.set(record.id, record);
      this.saveIndex();
      return record;
    } catch (e) {
      await fs.rm(folder, { recursive: true, force: true }); // nothing half-made is left behind
      throw e;
    }
  }

  async update(id: string, patch: Partial<VmSettings>): Promise<VmRecord> {
    const record = this.get(id);
    const settings = validate({ ...record.file.settings, ...patch });
    if (settings.name.toLowerCase() !== record.file.settings.name.toLowerCase() && this.list().some((r) => r.file.settings.name.toLowerCase() === settings.name.toLowerCase()))
      throw new ApiError('CONFLICT', `a virtual machine named "${settings.name}" already exists`, 'name');
    if (record.file.undo && JSON.stringify(settings.ide) !== JSON.stringify(record.file.settings.ide))
      throw new ApiError('CONFLICT', 'ide: the undo disks hold changes to these drives: commit or discard them before changing the drives', 'ide');
    const next: VmRecord = { ...record, file: { ...record.file, settings, modified: new Date().toISOString() } };
    await this.checkFiles(next);
    await this.write(next);
    this.records.set(id, next);
    return next;
  }

  /**
   * Forgets a VM and deletes its settings and saved state. Disks inside its folder are deleted unless kept;
   * disks elsewhere are never deleted (another VM may use them).
   */
  async remove(id: string, keepDisks: boolean): Promise<{ deletedFiles: string[]; keptFiles: string[] }> {
    const record = this.get(id);
    const deletedFiles: string[] = [];
    const keptFiles: string[] = [];
    const disks = [...new Set([...this.diskFiles(record), ...this.snapshotDiskFiles(record)])];
    const snapshotFolder = this.snapshotFolder(record);
    const snapshotFiles = existsSync(snapshotFolder) ? (await fs.readdir(snapshotFolder)).map((n) => path.join(snapshotFolder, n)) : [];
    const needed = keepDisks ? new Set<string>() : await this.neededByOthers(disks);
    for (const file of [record.configFile, this.statePath(record), ...snapshotFiles, ...disks]) {
      if (!existsSync(file)) continue;
      const isDisk = disks.includes(file);
      if (isDisk && (keepDisks || !isInside(record.folder, file) || needed.has(file))) {
        keptFiles.push(file);
        continue;
      }
      await fs.rm(file);
      deletedFiles.push(file);
    }
    await fs.rmdir(snapshotFolder).catch(() => undefined);
    await fs.rmdir(record.folder).catch(() => undefined); // only if now empty
    this.records.delete(id);
    this.saveIndex();
    return { deletedFiles, keptFiles };
  }

  /** An absolute path for a path in the settings (relative ones are inside the VM's folder). */
  resolve(record: VmRecord, p: string): string {
    return path.resolve(record.folder, p);
  }

  statePath(record: VmRecord): string {
    return path.join(record.folder, `${path.basename(record.configFile, '.kaso.json')}.kaso-state`);
  }

  /** A VM's hard disks by IDE position, with their paths as the settings name them (CD drives left out). */
  diskSlots(record: VmRecord): { slot: IdeSlot; path: string }[] {
    return (Object.entries(record.file.settings.ide) as [IdeSlot, VmSettings['ide'][IdeSlot]][])
      .filter(([, d]) => d?.kind === 'disk' && d.path)
      .map(([slot, d]) => ({ slot, path: d!.path! }));
  }

  /** Hard disk files of a VM (absolute), CD images excluded. */
  diskFiles(record: VmRecord): string[] {
    return this.diskSlots(record).map((d) => this.resolve(record, d.path));
  }

  /** Where any VM's disks and their children may be: every VM's folder and snapshot folder. */
  diskFolders(): string[] {
    return this.list().flatMap((r) => [r.folder, this.snapshotFolder(r)]);
  }

  /** Which of these disks another disk (not among them) grows from: a linked clone's, say. Those stay. */
  private async neededByOthers(disks: string[]): Promise<Set<string>> {
    const mine = new Set(disks);
    const folders = this.diskFolders();
    const needed = new Set<string>();
    for (const file of disks) {
      const id = await uniqueIdOf(file);
      if (!id) continue;
      const children = await findDependents(file, id, folders);
      if (children.some((c) => !mine.has(c))) needed.add(file);
    }
    return needed;
  }

  /** The disks of a VM's snapshots (frozen ones, and those Kaso made for it) and undo disks, absolute. */
  snapshotDiskFiles(record: VmRecord): string[] {
    const s = record.file.snapshots;
    const snapshotDisks = s ? [...s.items.flatMap((i) => i.disks.map((d) => d.path)), ...s.owned] : [];
    const undo = record.file.undo?.disks.map((d) => d.path) ?? [];
    return [...snapshotDisks, ...undo].map((p) => this.resolve(record, p));
  }

  /** Every file the settings name must exist (a missing one is named, with the setting it belongs to). */
  async checkFiles(record: VmRecord): Promise<void> {
    const s = record.file.settings;
    const named: [string, string | null | undefined][] = [
      ...Object.entries(s.ide).map(([slot, d]) => [`ide.${slot}`, d?.path] as [string, string | null | undefined]),
      ['floppy', s.floppy],
      ['kernel.kernel', s.kernel?.kernel],
      ['kernel.initrd', s.kernel?.initrd],
    ];
    for (const [field, p] of named) {
      if (!p) continue;
      const full = this.resolve(record, p);
      if (!existsSync(full)) throw new ApiError('INVALID_INPUT', `${field}: ${full} does not exist`, field);
    }
  }

  /**
   * Replaces a VM's whole file (settings and snapshots together) in one atomic write: the commit point of
   * every snapshot operation.
   */
  async commit(id: string, file: VmFile): Promise<VmRecord> {
    const record = this.get(id);
    const next: VmRecord = { ...record, file: { ...file, settings: validate(file.settings), modified: new Date().toISOString() } };
    await this.write(next);
    this.records.set(id, next);
    return next;
  }

  /** Where a VM's snapshot disks, states and thumbnails live. */
  snapshotFolder(record: VmRecord): string {
    return path.join(record.folder, 'Snapshots');
  }

  /** A path as the settings keep it: relative when inside the VM's folder (so the folder can move). */
  relative(record: VmRecord, file: string): string {
    return isInside(record.folder, file) ? path.relative(record.folder, file) : file;
  }

  private async write(record: VmRecord): Promise<void> {
    await replaceAtomically(record.configFile, `${JSON.stringify(record.file, null, 2)}\n`);
  }

  private async load(configFile: string): Promise<void> {
    try {
      const record = await readRecord(configFile);
      this.records.set(record.id, record);
    } catch (e) {
      this.unreadable.push({ configFile, reason: (e as Error).message });
    }
  }

  /**
   * Adds a VM folder made elsewhere (an export, a copy) to the library where it is. A VM whose id is
   * already known (the same folder copied) gets a new one; a VM with a name in use is refused.
   */
  async adopt(configFile: string, name?: string): Promise<VmRecord> {
    const file = path.resolve(configFile);
    let record: VmRecord;
    try {
      record = await readRecord(file);
    } catch (e) {
      throw new ApiError('INVALID_INPUT', `path: ${file} is not a Kaso VM file: ${(e as Error).message}`, 'path');
    }
    const renamed = name !== undefined && name !== record.file.settings.name;
    if (renamed) record = { ...record, file: { ...record.file, settings: validate({ ...record.file.settings, name }) } };
    if (this.list().some((r) => r.configFile === file)) throw new ApiError('CONFLICT', `${file} is already in the library`);
    if (this.list().some((r) => r.file.settings.name.toLowerCase() === record.file.settings.name.toLowerCase()))
      throw new ApiError('CONFLICT', `a virtual machine named "${record.file.settings.name}" already exists`, 'name');
    const known = this.records.has(record.id);
    if (known) {
      const id = randomUUID();
      record = { ...record, id, file: { ...record.file, id } };
    }
    if (known || renamed) await this.write(record);
    this.records.set(record.id, record);
    this.saveIndex();
    return record;
  }

  /** Paths inside KASO_HOME are kept relative to it, so the whole home can be moved or copied. */
  private saveIndex(): void {
    const files = [...this.list().map((r) => r.configFile), ...this.unreadable.map((u) => u.configFile)];
    this.index.set('vms', files.map((f) => (isInside(this.home, f) ? path.relative(this.home, f) : f)));
  }
}

/** Settings checked as a whole; the first problem becomes an INVALID_INPUT error naming its field. */
export function validate(settings: unknown): VmSettings {
  const r = VmSettingsSchema.safeParse(settings);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ApiError('INVALID_INPUT', `${field ? `${field}: ` : ''}${issue.message}`, field || undefined);
}

function isInside(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return !rel.startsWith('..') && !path.isAbsolute(rel);
}

async function readRecord(configFile: string): Promise<VmRecord> {
  const raw = JSON.parse(await fs.readFile(configFile, 'utf8')) as unknown;
  const { snapshots: rawSnapshots, ...file } = VmFileSchema.parse(raw);
  const settings = validate(file.settings);
  const snapshots = rawSnapshots === undefined ? undefined : SnapshotsSchema.parse(rawSnapshots);
  return { id: file.id, configFile, folder: path.dirname(configFile), file: { ...file, settings, ...(snapshots ? { snapshots } : {}) } };
}
