import { z } from 'zod';
import { VmSettingsFields, type VmSettings } from './vm-settings.js';
import { jobRequestSchemas, type JobInfo, type JobResults } from './jobs.js';
import { networkRequestSchemas, type NetworkInfo, type NetworkResults } from './networks.js';
import { snapshotRequestSchemas, type SnapshotResults, type SnapshotTree } from './snapshots.js';
import type { VmSummary } from './vm-state.js';

/**
 * Every request a client (renderer, web page, CLI) may make of the host: its input schema (checked at the
 * boundary: clients are untrusted) and its result type. Declared once, used by every transport.
 */

const id = z.string().uuid('not a VM id');
const byId = z.object({ id }).strict();
/** Some settings; the host merges them into the VM's and checks the whole. Unknown fields are refused. */
const SettingsPatch = VmSettingsFields.partial().strict();

export const NewDiskSchema = z
  .object({
    /** Virtual size of a new dynamically expanding VHD, in MiB. */
    sizeMiB: z.number().int().min(1).max(2040 * 1024),
  })
  .strict();

export const requestSchemas = {
  'host.info': z.object({}).strict(),
  /** This host's preferences: the QEMU to run (null: look for one on PATH and in QEMU's install places). */
  'host.setPreferences': z.object({ qemuPath: z.string().trim().min(1).max(4096).nullable() }).strict(),
  /** Save every running VM's state and end the host (the app, or `kaso serve`). */
  'host.stop': z.object({}).strict(),
  'vm.list': z.object({}).strict(),
  'vm.get': byId,
  'vm.create': z
    .object({
      settings: SettingsPatch,
      /** Create a new dynamic VHD in the VM's folder and attach it as the primary master disk. */
      newDisk: NewDiskSchema.optional(),
    })
    .strict(),
  'vm.update': z.object({ id, settings: SettingsPatch }).strict(),
  'vm.delete': z.object({ id, keepDisks: z.boolean() }).strict(),
  /** linked: new differencing disks over a snapshot of the source; full: standalone copies of its disks. */
  'vm.clone': z.object({ id, name: VmSettingsFields.shape.name, mode: z.enum(['linked', 'full']) }).strict(),
  'vm.start': byId,
  /** A Virtual PC / Virtual Server .vmc (its VHDs used where they are), or a Kaso VM folder or .kaso.json. */
  'vm.import': z.object({ path: z.string().min(1).max(4096), name: VmSettingsFields.shape.name.optional() }).strict(),
  /** Copy the VM, with every disk it uses, to `<folder>/<Name>/`. */
  'vm.export': z.object({ id, folder: z.string().min(1).max(4096) }).strict(),
  /** End the undo disks' session of a VM that is off: commit its changes, discard them, or keep them. */
  'vm.undo': z.object({ id, action: z.enum(['commit', 'discard', 'keep']) }).strict(),
  'vm.turnOff': byId,
  'vm.shutdown': byId,
  'vm.pause': byId,
  'vm.resume': byId,
  'vm.reset': byId,
  'vm.save': byId,
  'vm.ctrlAltDel': byId,
  'vm.discardSavedState': byId,
  'vm.screenshot': byId,
  'vm.thumbnail': byId,
  'vm.textScreen': byId,
  'vm.typeText': z.object({ id, text: z.string().max(100_000) }).strict(),
  'vm.sendKeys': z.object({ id, codes: z.array(z.string().max(32)).max(64) }).strict(),
  'vm.serialWrite': z.object({ id, port: z.union([z.literal(1), z.literal(2)]), data: z.string().max(1_000_000) }).strict(),
  'vm.serialRead': z
    .object({ id, port: z.union([z.literal(1), z.literal(2)]), since: z.number().int().min(0).optional() })
    .strict(),
  'files.list': z.object({ path: z.string().max(4096).optional() }).strict(),
  ...snapshotRequestSchemas,
  ...jobRequestSchemas,
  ...networkRequestSchemas,
} as const;

export type RequestName = keyof typeof requestSchemas;
export type RequestInput<N extends RequestName> = z.infer<(typeof requestSchemas)[N]>;

export interface HostInfo {
  version: string;
  platform: string;
  /** Total and free host memory, for the wizard's memory slider. */
  memory: { totalMiB: number; freeMiB: number };
  library: string;
  firmware: { found: boolean; description: string };
  engines: { name: 'v86' | 'qemu'; available: boolean; description: string }[];
  preferences: HostPreferences;
}

export interface HostPreferences {
  /** The qemu-system-x86_64 to run; null: found on PATH or where QEMU installs itself. */
  qemuPath: string | null;
}

export interface VmDetails extends VmSummary {
  settings: VmSettings;
  created: string;
  modified: string;
  hasSavedState: boolean;
  /** Undo disks hold a session's changes, waiting for commit, discard or keep. */
  undoPending: boolean;
}

export interface FileEntry {
  name: string;
  path: string;
  kind: 'dir' | 'file';
  size: number;
}

export interface SerialChunk {
  /** Bytes since `since` (base64), and the position to ask from next time. */
  data: string;
  next: number;
}

export interface RequestResults extends SnapshotResults, JobResults, NetworkResults {
  'host.info': HostInfo;
  'host.setPreferences': HostInfo;
  'host.stop': { savedVms: number };
  'vm.list': VmSummary[];
  'vm.get': VmDetails;
  'vm.create': VmDetails;
  'vm.update': VmDetails;
  'vm.delete': { deletedFiles: string[]; keptFiles: string[] };
  'vm.clone': VmDetails;
  'vm.undo': VmDetails;
  'vm.import': { vm: VmDetails; warnings: string[] };
  'vm.export': { folder: string };
  'vm.start': VmSummary;
  'vm.turnOff': VmSummary;
  'vm.shutdown': VmSummary;
  'vm.pause': VmSummary;
  'vm.resume': VmSummary;
  'vm.reset': VmSummary;
  'vm.save': VmSummary;
  'vm.ctrlAltDel': VmSummary;
  'vm.discardSavedState': VmSummary;
  'vm.screenshot': { png: string; width: number; height: number };
  /** The last small picture of the screen (PNG, base64), or null before the first. */
  'vm.thumbnail': { png: string | null };
  'vm.textScreen': { rows: string[]; mode: 'text' | 'graphics' };
  'vm.typeText': { typed: number };
  'vm.sendKeys': { sent: number };
  'vm.serialWrite': { written: number };
  'vm.serialRead': SerialChunk;
  'files.list': { path: string; parent: string | null; entries: FileEntry[] };
}

/** What the host announces, to every connected client. */
export interface HostEvents {
  'vm.changed': VmSummary;
  'vm.removed': { id: string };
  'snapshots.changed': SnapshotTree;
  'job.changed': JobInfo;
  /** A network's settings, connections, leases or counters changed. */
  'net.changed': NetworkInfo;
  'net.removed': { name: string };
}
export type EventName = keyof HostEvents;

/** The one error shape every transport carries: a code a program can test, and a sentence a person can read. */
export interface ApiErrorShape {
  code: 'INVALID_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FAILED' | 'UNAUTHORIZED';
  message: string;
  /** For INVALID_INPUT: which field, for the dialog to mark it. */
  field?: string;
}

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorShape['code'],
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  toJSON(): ApiErrorShape {
    return { code: this.code, message: this.message, ...(this.field ? { field: this.field } : {}) };
  }
}

/** Validates a request's input; a bad one is an INVALID_INPUT error naming the field. */
export function parseRequest<N extends RequestName>(name: N, input: unknown): RequestInput<N> {
  const schema = requestSchemas[name];
  if (!schema) throw new ApiError('INVALID_INPUT', `unknown request "${String(name)}"`);
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data as RequestInput<N>;
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  throw new ApiError('INVALID_INPUT', `${field ? `${field}: ` : ''}${issue.message}`, field || undefined);
}

export function isRequestName(name: string): name is RequestName {
  return Object.prototype.hasOwnProperty.call(requestSchemas, name);
}
