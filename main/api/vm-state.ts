import type { Engine, OsPreset } from './vm-settings.js';

/**
 * Where a VM is in its life: off -> starting -> running <-> paused; running -> saving -> saved; saved ->
 * starting (resumes where it was) ; any running state -> stopping -> off; an engine that dies unasked -> crashed.
 */
export const VM_STATES = ['off', 'starting', 'running', 'paused', 'saving', 'saved', 'stopping', 'crashed'] as const;
export type VmState = (typeof VM_STATES)[number];

export const STATE_LABELS: Record<VmState, string> = {
  off: 'Off',
  starting: 'Starting',
  running: 'Running',
  paused: 'Paused',
  saving: 'Saving state',
  saved: 'Saved',
  stopping: 'Stopping',
  crashed: 'Crashed',
};

/** A line of the library: enough for the list, the toolbar and `kaso vm list`. */
export interface VmSummary {
  id: string;
  name: string;
  folder: string;
  configFile: string;
  state: VmState;
  /** Why the VM is in its state, when that is not obvious (a crash's reason, a refused start). */
  stateReason: string | null;
  osPreset: OsPreset;
  engine: Engine;
  /** What runs it, once running: "v86", "QEMU · KVM", "QEMU · TCG". */
  engineStatus: string | null;
  memoryMiB: number;
  /** Serial ports as reachable from outside: "/dev/pts/5", a socket path, a file. */
  comEndpoints: [string | null, string | null];
  /** Changes when a new thumbnail is available. */
  thumbnailVersion: number;
  /** Host CPU used by the VM's process, percent of one core (while running). */
  cpuPercent: number | null;
  /** Each virtual processor's use of a host CPU, percent (while running, where the engine can tell: QEMU). */
  vcpuPercent: number[] | null;
}

/** What a person may do to a VM in each state: the host enforces it, the toolbar enables exactly these. */
export const VM_ACTIONS = {
  start: ['off', 'saved', 'crashed'],
  turnOff: ['starting', 'running', 'paused'],
  shutdown: ['running'],
  pause: ['running'],
  resume: ['paused'],
  reset: ['running', 'paused'],
  save: ['running', 'paused'],
  ctrlAltDel: ['running'],
  discardSavedState: ['saved'],
  // A saved state belongs to the hardware it was saved on: no changes until it is resumed or discarded.
  edit: ['off', 'crashed'],
  delete: ['off', 'saved', 'crashed'],
  // A running VM pauses only for the moment its state is saved; a reverted one resumes from the snapshot.
  takeSnapshot: ['off', 'saved', 'crashed', 'running', 'paused'],
  revertSnapshot: ['off', 'saved', 'crashed', 'running', 'paused'],
  deleteSnapshot: ['off', 'saved', 'crashed', 'running', 'paused'],
  // A linked clone freezes the source with a snapshot (running or not); a full one copies disks at rest.
  cloneLinked: ['off', 'saved', 'crashed', 'running', 'paused'],
  cloneFull: ['off', 'saved', 'crashed'],
  // A saved state belongs to the session's undo disks: they stay until it is resumed and turned off.
  closeUndo: ['off', 'crashed'],
  export: ['off', 'saved', 'crashed'],
} as const satisfies Record<string, readonly VmState[]>;

export type VmActionName = keyof typeof VM_ACTIONS;
