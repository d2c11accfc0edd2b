/**
 * Virtual PC 2004/2007 and Virtual Server 2005 (R2) machine files (.vmc): bytes in, a plain description
 * of the machine out. Pure: no file system, no clock; the caller reads the file, then decides which of
 * pathCandidates() exists.
 *
 * The format, as confirmed from public sources (element names and types only; no code was taken):
 *  - The whole tree, its value elements typed by a `type` attribute ("integer", "boolean", "string",
 *    "bytes"), the root <preferences>, hardware/memory/ram_size, hardware/pci_bus/ide_adapter/
 *    ide_controller[@id]/location[@id]/{drive_type, pathname, undo_pathname}, pathname/{absolute,
 *    relative}, hardware/pci_bus/ethernet_adapter/{controller_count, ethernet_controller[@id]/
 *    {virtual_network/{id,name}, ethernet_card_address}}, hardware/super_io/floppy[@id]/{auto_detect,
 *    pathname}, settings/{notes, undo_drives, configuration/saved_state/path}: the class model of the
 *    file in xenserver/xenadmin XenOvfApi/Definitions/Microsoft.cs (namespace XenOvf.Definitions.VMC).
 *  - drive_type 0 = nothing, 1 = hard disk (a VHD), 2 = CD/DVD: the same project's VPC importer
 *    (ConvertFromVPCXml, XenOvfApi) and ManageIQ/manageiq-smartstate lib/metadata/VmConfig/vmcConfig.rb,
 *    which also reads settings' undo_drives/enabled as "true"/"false", ram_size as MiB, the MAC as 12 hex
 *    digits, and resolves `relative` paths against the .vmc's folder (skipping undo_pathname).
 *  - `relative` is written as ".\name.vhd" for a file beside the .vmc: ManageIQ's VmcBlackBox (a module
 *    of the ManageIQ smartstate code) writes locations that way, with an empty undo_pathname.
 *  - A CD/DVD drive captured to a host drive stores the bare drive letter as pathname/absolute ("D"):
 *    Microsoft's Virtual Server COM reference, MicrosoftDocs/win32
 *    desktop-src/VPC/ivmvirtualmachine-setconfigurationvalue.md, whose example is
 *    ide_controller[@id=1]/location[@id=0]/pathname/absolute = "D".
 *  - UTF-16 with a BOM and the declaration encoding="UTF-16", the comment "Microsoft Virtual Machine
 *    Options and Settings", tab indentation, and files whose ethernet_controller id="0" is still present
 *    while controller_count is 0 (a removed adapter's settings are kept): files Virtual PC 2007 wrote,
 *    found in public repositories, and a migration note (Virtual PC to KVM) that converts them with iconv.
 *    UTF-8 files exist too (scripts that generate a .vmc write encoding="UTF-8").
 * The machine's name is not in the file: Virtual PC names a machine after its .vmc (ManageIQ does too).
 */
import * as nodePath from 'node:path';
import { IDE_SLOT_LABELS, MEMORY_LIMITS_MIB, type IdeSlot } from '../../api/vm-settings.js';
import { decodeXmlBytes, TextDecodeError } from './xml-text.js';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml.js';

/** A file reference as the .vmc writes it (Windows form); empty strings in the file become null. */
export interface VmcPath {
  absolute: string | null;
  relative: string | null;
}

export type VmcDrive =
  | { kind: 'disk'; path: VmcPath }
  /** An empty drive has neither; a host drive is its letter with a colon ("D:"). */
  | { kind: 'cdrom'; path: VmcPath | null; hostDrive: string | null };

export interface VmcNic {
  /** "00:03:FF:12:34:56"; null when the file has no address (Virtual PC would have made one up). */
  mac: string | null;
  /** The virtual network's name as Virtual PC showed it ("Local only", a host adapter's name); null: not connected. */
  network: string | null;
}

export interface VmcMachine {
  /** The file's name without ".vmc": Virtual PC's name for the machine. */
  name: string;
  memoryMiB: number | null;
  ide: Record<IdeSlot, VmcDrive | null>;
  floppy: VmcPath | null;
  nics: VmcNic[];
  undoDisks: boolean;
  notes: string;
  /** What was in the file that Kaso will not carry over, one sentence each. */
  warnings: string[];
}

/** Why a .vmc could not be read; the message names the file. */
export class VmcError extends Error {
  override readonly name = 'VmcError';
  constructor(
    readonly fileName: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${fileName}: ${detail}`, options);
  }
}

/** Real .vmc files are tens of kilobytes; anything this big is not one. */
export const VMC_MAX_BYTES = 4 * 1024 * 1024;

/** Memory sizes outside this range are not a machine Virtual PC or Kaso could run. */
const MEMORY_MIN_MIB = 1;
const MEMORY_MAX_MIB = MEMORY_LIMITS_MIB.qemu.max;
/** Virtual PC and Virtual Server give a machine at most four network adapters; more than twice that is absurd. */
const MAX_NICS = 8;

const SLOT_BY_POSITION: Record<string, IdeSlot> = {
  '0/0': 'primaryMaster',
  '0/1': 'primarySlave',
  '1/0': 'secondaryMaster',
  '1/1': 'secondarySlave',
};

/** Parses a .vmc. `fileName` names the file in messages and gives the machine its name. */
export function parseVmc(bytes: Uint8Array, fileName: string): VmcMachine {
  const label = baseName(fileName) || 'the .vmc file';
  const fail = (detail: string, cause?: unknown): never => {
    throw new VmcError(label, detail, cause === undefined ? undefined : { cause });
  };
  if (bytes.length > VMC_MAX_BYTES) fail(`at ${bytes.length} bytes it is far too large to be a Virtual PC machine file`);

  let text: string;
  try {
    text = decodeXmlBytes(bytes).text;
  } catch (e) {
    if (e instanceof TextDecodeError) return fail(`not a readable Virtual PC machine file: ${e.message}`, e);
    throw e;
  }
  if (!text.trimStart().startsWith('<')) fail('not a Virtual PC machine file: it is not XML');

  let root: XmlElement;
  let declaredEncoding: string | null;
  try {
    const doc = parseXml(text);
    root = doc.root;
    declaredEncoding = doc.declaration?.encoding ?? null;
  } catch (e) {
    if (e instanceof XmlSyntaxError) return fail(`not a readable Virtual PC machine file: the XML is broken: ${e.message}`, e);
    throw e;
  }
  if (declaredEncoding !== null && !/^(utf-?8|utf-?16(le|be)?|unicode)$/i.test(declaredEncoding) && /[\u0080-\uFFFF]/.test(text))
    fail(`the file declares the encoding "${declaredEncoding}", which Kaso does not read (save it as UTF-16 or UTF-8)`);

  if (root.name !== 'preferences') {
    if (root.name === 'vm_description')
      fail('this is a Windows Virtual PC .vmcx shortcut, not the machine file; import the .vmc it names (vmc_path) instead');
    fail(`not a Virtual PC machine file: its root element is <${root.name}>, not <preferences>`);
  }

  return new VmcReader(fail).machine(root, machineName(fileName));
}

class VmcReader {
  private readonly warnings: string[] = [];

  constructor(private readonly fail: (detail: string) => never) {}

  machine(root: XmlElement, name: string): VmcMachine {
    const version = this.optionalValue(root, 'version', 'string');
    if (version !== null && !/^[12]\.\d+$/.test(version))
      this.warnings.push(`The file says it is format version ${version}, which this importer does not know; some settings may not come over.`);

    const hardware = this.only(root, 'hardware');
    const settings = this.only(root, 'settings');
    const pciBus = hardware && this.only(hardware, 'pci_bus');

    const memoryMiB = this.memory(hardware);
    const ide = this.ide(pciBus && this.only(pciBus, 'ide_adapter'));
    const nics = this.nics(pciBus && this.only(pciBus, 'ethernet_adapter'));
    if (pciBus) this.otherPciDevices(pciBus);
    const superIo = hardware && this.only(hardware, 'super_io');
    const floppy = this.floppy(superIo);
    const undoDisks = this.undoDisks(settings);
    const notes = settings ? (this.optionalValue(settings, 'notes', 'string') ?? '') : '';
    this.savedState(settings);

    return { name, memoryMiB, ide, floppy, nics, undoDisks, notes, warnings: this.warnings };
  }

  // hardware/memory/ram_size (MiB)
  private memory(hardware: XmlElement | null): number | null {
    const memory = hardware && this.only(hardware, 'memory');
    const raw = memory && this.optionalValue(memory, 'ram_size', 'integer');
    if (raw === null || raw === '') return null;
    const mib = this.integer(raw, 'the memory size (ram_size)');
    if (mib < MEMORY_MIN_MIB || mib > MEMORY_MAX_MIB)
      this.fail(`the memory size ${raw} MB is not a size a machine can have (from ${MEMORY_MIN_MIB} to ${MEMORY_MAX_MIB} MB)`);
    return mib;
  }

  // hardware/pci_bus/ide_adapter/ide_controller[@id 0|1]/location[@id 0|1]
  private ide(adapter: XmlElement | null): Record<IdeSlot, VmcDrive | null> {
    const ide: Record<IdeSlot, VmcDrive | null> = { primaryMaster: null, primarySlave: null, secondaryMaster: null, secondarySlave: null };
    if (!adapter) return ide;
    const seen = new Map<string, number>();
    for (const controller of adapter.children.filter((c) => c.name === 'ide_controller')) {
      const c = this.id(controller, ['0', '1'], 'an IDE controller');
      for (const location of controller.children.filter((l) => l.name === 'location')) {
        const l = this.id(location, ['0', '1'], `a drive position on IDE controller ${c}`);
        const key = `${c}/${l}`;
        const before = seen.get(key);
        if (before !== undefined) this.fail(`IDE controller ${c}, position ${l} is described twice (lines ${before} and ${location.line})`);
        seen.set(key, location.line);
        const slot = SLOT_BY_POSITION[key]!;
        ide[slot] = this.drive(location, slot);
      }
    }
    return ide;
  }

  private drive(location: XmlElement, slot: IdeSlot): VmcDrive | null {
    const where = IDE_SLOT_LABELS[slot];
    const typeText = this.optionalValue(location, 'drive_type', 'integer');
    if (typeText === null || typeText === '') {
      if (this.path(location, 'pathname'))
        this.warnings.push(`${where} names a file but not what kind of drive it is; it is left empty.`);
      return null;
    }
    const type = this.integer(typeText, `the drive type of ${where}`);
    if (type === 0) return null; // Virtual PC keeps the last path of a removed drive: ignore it.
    if (type === 1) {
      const path = this.path(location, 'pathname');
      if (!path) {
        this.warnings.push(`${where} is a hard disk with no disk file named; it is left empty.`);
        return null;
      }
      const undo = this.path(location, 'undo_pathname');
      if (undo) {
        const file = displayName(undo);
        this.warnings.push(
          `${where} has undo changes waiting in ${file}: Kaso takes the disk as it was before them; commit or discard them in Virtual PC first to keep them.`,
        );
      }
      return { kind: 'disk', path };
    }
    if (type === 2) {
      const path = this.path(location, 'pathname');
      const hostDrive = path && hostDriveLetter(path);
      if (hostDrive) {
        this.warnings.push(`The CD/DVD drive (${where}) used the host's drive ${hostDrive}, which Kaso cannot use; it comes over empty.`);
        return { kind: 'cdrom', path: null, hostDrive };
      }
      return { kind: 'cdrom', path, hostDrive: null };
    }
    return this.fail(`${where} has drive type ${type}; Virtual PC writes 0 (none), 1 (hard disk) or 2 (CD/DVD)`);
  }

  // hardware/pci_bus/ethernet_adapter: controller_count, ethernet_controller[@id]
  private nics(adapter: XmlElement | null): VmcNic[] {
    if (!adapter) return [];
    const countText = this.optionalValue(adapter, 'controller_count', 'integer');
    const count = countText === null || countText === '' ? null : this.integer(countText, 'the number of network adapters (controller_count)');
    if (count !== null && count > MAX_NICS) this.fail(`it claims ${count} network adapters; Virtual PC has at most four`);
    const byId = new Map<number, XmlElement>();
    for (const controller of adapter.children.filter((c) => c.name === 'ethernet_controller')) {
      const idText = controller.attributes.get('id');
      if (idText === undefined || !/^\d+$/.test(idText) || Number(idText) >= MAX_NICS)
        this.fail(`a network adapter (line ${controller.line}) has ${idText === undefined ? 'no id' : `the id "${idText}"`}; it should be 0 to ${MAX_NICS - 1}`);
      const id = Number(idText);
      if (byId.has(id)) this.fail(`network adapter ${id} is described twice`);
      byId.set(id, controller);
    }
    // Adapters past controller_count are the settings of adapters that were removed: Virtual PC keeps them.
    const ids = [...byId.keys()].sort((a, b) => a - b).filter((id) => count === null || id < count);
    if (count !== null && ids.length < count)
      this.warnings.push(`The file says the machine has ${count} network adapters but describes only ${ids.length}; only those come over.`);
    return ids.map((id) => this.nic(byId.get(id)!, id));
  }

  private nic(controller: XmlElement, id: number): VmcNic {
    const raw = this.optionalValue(controller, 'ethernet_card_address', 'bytes') ?? '';
    let mac: string | null = null;
    if (raw !== '') {
      if (!/^[0-9A-Fa-f]{12}$/.test(raw)) this.fail(`network adapter ${id} has the address "${raw}"; it should be 12 hexadecimal digits`);
      mac = /^0+$/.test(raw) ? null : (raw.toUpperCase().match(/../g) ?? []).join(':');
    }
    const vnet = this.only(controller, 'virtual_network');
    const network = (vnet && this.optionalValue(vnet, 'name', 'string')) || null;
    return { mac, network };
  }

  private otherPciDevices(pciBus: XmlElement): void {
    const known = new Set(['ide_adapter', 'ethernet_adapter', 'video_adapter']);
    for (const device of pciBus.children)
      if (!known.has(device.name)) this.warnings.push(`The PCI device "${device.name}" in the file is not carried over.`);
  }

  // hardware/super_io/floppy[@id]: the image in pathname; a bare drive letter is the host's drive
  private floppy(superIo: XmlElement | null): VmcPath | null {
    if (!superIo) return null;
    const drives = superIo.children.filter((c) => c.name === 'floppy');
    const withMedia = drives
      .map((d) => ({ id: d.attributes.get('id') ?? '0', path: this.path(d, 'pathname') }))
      .filter((d): d is { id: string; path: VmcPath } => d.path !== null);
    let image: VmcPath | null = null;
    for (const { id, path } of withMedia) {
      const host = hostDriveLetter(path);
      if (host) this.warnings.push(`Floppy drive ${id} used the host's drive ${host}, which Kaso cannot use; it comes over empty.`);
      else if (image) this.warnings.push(`Kaso has one floppy drive; the disk ${displayName(path)} in floppy drive ${id} is not carried over.`);
      else image = path;
    }
    return image;
  }

  // settings/undo_drives/enabled
  private undoDisks(settings: XmlElement | null): boolean {
    const undo = settings && this.only(settings, 'undo_drives');
    const enabled = undo && this.only(undo, 'enabled');
    if (!enabled) return false;
    // Some tools model <enabled> as holding <enable>; read either.
    const inner = this.only(enabled, 'enable');
    const raw = this.value(inner ?? enabled, 'boolean');
    if (raw === '') return false;
    return this.boolean(raw, 'whether undo disks are on (undo_drives/enabled)');
  }

  // settings/configuration/saved_state/path
  private savedState(settings: XmlElement | null): void {
    const configuration = settings && this.only(settings, 'configuration');
    const saved = configuration && this.only(configuration, 'saved_state');
    const path = saved && this.path(saved, 'path');
    if (path)
      this.warnings.push(
        `The file refers to a saved state (${displayName(path)}): if the machine was left saved in Virtual PC, Kaso cannot resume it and the guest starts as if its power had been cut.`,
      );
  }

  /** <name><absolute/><relative/></name> under `parent`; null when absent or both empty. */
  private path(parent: XmlElement, name: string): VmcPath | null {
    const el = this.only(parent, name);
    if (!el) return null;
    const absolute = this.optionalValue(el, 'absolute', 'string') || null;
    const relative = this.optionalValue(el, 'relative', 'string') || null;
    return absolute || relative ? { absolute, relative } : null;
  }

  /** The one child called `name`, or null; two of them is an error (which one would Virtual PC use?). */
  private only(parent: XmlElement, name: string): XmlElement | null {
    let found: XmlElement | null = null;
    for (const c of parent.children) {
      if (c.name !== name) continue;
      if (found) this.fail(`<${parent.name}> has two <${name}> elements (lines ${found.line} and ${c.line})`);
      found = c;
    }
    return found;
  }

  private optionalValue(parent: XmlElement, name: string, type: string): string | null {
    const el = this.only(parent, name);
    return el ? this.value(el, type) : null;
  }

  /** A value element's text, trimmed, after checking its `type` attribute when it has one. */
  private value(el: XmlElement, type: string): string {
    const declared = el.attributes.get('type');
    if (declared !== undefined && declared !== type)
      this.fail(`<${el.name}> on line ${el.line} is of type "${declared}" where Virtual PC writes "${type}"`);
    if (el.children.length > 0) this.fail(`<${el.name}> on line ${el.line} should hold a value, not other elements`);
    return el.text.trim();
  }

  private integer(raw: string, what: string): number {
    if (!/^\d{1,9}$/.test(raw)) this.fail(`${what} is "${raw}", which is not a whole number`);
    return Number(raw);
  }

  private boolean(raw: string, what: string): boolean {
    const v = raw.toLowerCase();
    if (v !== 'true' && v !== 'false') this.fail(`${what} is "${raw}"; it should be true or false`);
    return v === 'true';
  }

  private id(el: XmlElement, allowed: string[], what: string): string {
    const id = el.attributes.get('id');
    if (id === undefined) this.fail(`${what} on line ${el.line} has no id`);
    if (!allowed.includes(id)) this.fail(`${what} on line ${el.line} has the id "${id}"; Virtual PC uses ${allowed.join(' or ')}`);
    return id;
  }
}

/** A path that is only a drive letter ("D", "D:" or "D:\", in either field) is a host drive, not a file. */
function hostDriveLetter(p: VmcPath): string | null {
  const letters = [p.absolute, p.relative]
    .filter((v): v is string => v !== null)
    .map((v) => /^([A-Za-z]):?\\?$/.exec(v)?.[1]?.toUpperCase() ?? null);
  const first = letters[0];
  return first && letters.every((l) => l === first) ? `${first}:` : null;
}

function displayName(p: VmcPath): string {
  const full = p.absolute ?? p.relative ?? '';
  const base = windowsSegments(full).pop() ?? full;
  return base === full ? `"${full}"` : `"${base}" (${full})`;
}

function windowsSegments(p: string): string[] {
  return p.split(/[\\/]+/).filter((s) => s !== '');
}

function baseName(fileName: string): string {
  return fileName.split(/[\\/]/).pop() ?? fileName;
}

/** The machine's name: the file's name without ".vmc". */
export function machineName(fileName: string): string {
  const base = baseName(fileName);
  return base.replace(/\.vmc$/i, '') || base;
}

/** Which path functions pathCandidates uses: the host's by default; tests pass posix or win32. */
export type PathApi = Pick<typeof nodePath, 'join' | 'normalize' | 'sep'>;

/**
 * Where the file a VmcPath names may be on this host, most likely first; the caller keeps the first that
 * exists. The relative path (Virtual PC's, relative to the .vmc's folder) comes first, as it survives a
 * machine's folder being copied elsewhere. Then the absolute path: on Windows as written; elsewhere a
 * drive letter means nothing, so the same file name beside the .vmc, then the drive as WSL and many
 * setups mount it (/mnt/c/...). Windows names are case-insensitive: the caller may need to compare
 * names without case when the exact one is not there.
 */
export function pathCandidates(p: VmcPath, vmcFolder: string, host: PathApi = nodePath): string[] {
  const out: string[] = [];
  const windowsHost = host.sep === '\\';
  const isWindowsAbsolute = (s: string) => /^[A-Za-z]:/.test(s) || /^[\\/]/.test(s);
  const absolutes: string[] = [];
  if (p.relative) {
    if (isWindowsAbsolute(p.relative)) absolutes.push(p.relative);
    else out.push(host.join(vmcFolder, ...windowsSegments(p.relative)));
  }
  if (p.absolute) absolutes.unshift(p.absolute);
  for (const abs of absolutes) {
    const segments = windowsSegments(abs);
    const file = segments[segments.length - 1];
    if (windowsHost) out.push(host.normalize(abs));
    if (file && !/^[A-Za-z]:$/.test(file)) out.push(host.join(vmcFolder, file));
    const drive = /^([A-Za-z]):[\\/]/.exec(abs);
    if (!windowsHost && drive && segments.length > 1) out.push(host.join('/mnt', drive[1]!.toLowerCase(), ...segments.slice(1)));
  }
  return [...new Set(out)];
}
