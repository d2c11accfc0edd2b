import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';
import type { BootDevice, IdeSlot } from '../api/vm-settings.js';

/**
 * The engine protocol: what the host says to a VM's process and what it answers. Both engines (v86, QEMU)
 * speak it, so the host does not care which one runs a VM.
 */

/** Everything an engine needs to boot a VM, with every path resolved and checked by the host. */
export interface EngineBootConfig {
  vmId: string;
  name: string;
  /** Which engine runs the VM; `qemu` says which QEMU and accelerator when it is QEMU. */
  engine: 'v86' | 'qemu';
  qemu: QemuPlan | null;
  memoryMiB: number;
  /** Virtual processors (the embedded engine has one). */
  processors?: number;
  /** The most host CPU the VM may use, in percent of one host CPU per virtual processor (100: no cap). */
  cpuMaximum: number;
  /** Its share of the host's CPU against other VMs when they compete (100 is normal). */
  cpuWeight: number;
  /** Hard disks by IDE position (VHD of any kind, linked disk, raw image); opened read-write by the engine. */
  disks: { slot: 'primaryMaster' | 'primarySlave' | 'secondaryMaster' | 'secondarySlave'; path: string }[];
  /** CD-ROM drives (ISO images, read-only); a null path is an empty drive. */
  cdroms: { slot: 'primaryMaster' | 'primarySlave' | 'secondaryMaster' | 'secondarySlave'; path: string | null }[];
  floppy: string | null;
  bootOrder: BootDevice[];
  kernel: { kernel: string; initrd: string | null; append: string } | null;
  /** The embedded engine's BIOS and VGA BIOS (QEMU brings its own: null). */
  firmware: { bios: string; vgaBios: string } | null;
  /** Resume from this saved state instead of booting. */
  restoreFrom: string | null;
  /** COM1 and COM2: whether each is connected to anything. */
  com: [boolean, boolean];
  /** Give the guest ACPI (power button, soft off); DOS-era guests do without. */
  acpi: boolean;
  /** NICs in PCI order; each links to netd's socket and says its port id (the cable may lead nowhere). */
  nics: EngineNic[];
}

export type QemuAccel = 'kvm' | 'hvf' | 'whpx' | 'tcg';

export interface QemuPlan {
  binary: string;
  version: string;
  accel: QemuAccel;
  /** Why this accelerator, for the VM's status ("KVM", "TCG: KVM failed a test boot (...)"). */
  accelReason: string;
}

export interface EngineNic {
  index: number;
  portId: string;
  mac: string;
  model: 'ne2k' | 'virtio';
  /** netd's socket (the stream framing). */
  socket: string;
}

export type HostToEngine =
  | { t: 'boot'; config: EngineBootConfig }
  | { t: 'pause' }
  | { t: 'resume' }
  | { t: 'reset' }
  | { t: 'turn-off' }
  /** Pause, flush the disks, write the machine state to `file`, and stop. */
  | { t: 'save-state'; file: string }
  /** Input from a viewer whose stream the host relays (web clients). */
  | { t: 'console'; msg: ConsoleToVm }
  /** Whether the host wants the console stream over IPC (to relay it to web clients and screenshots). */
  | { t: 'subscribe'; on: boolean }
  /** Inside Electron: a MessagePort (sent with this message) to a console window, straight from this process. */
  | { t: 'attach-port' }
  | { t: 'request'; id: number; what: EngineRequest };

export type EngineRequest =
  | { kind: 'screenshot'; maxWidth?: number }
  | { kind: 'text-screen' }
  | { kind: 'type-text'; text: string }
  | { kind: 'keys'; codes: string[] }
  | { kind: 'serial-in'; port: 1 | 2; data: Uint8Array }
  /** Press the ACPI power button; fails when no ACPI-aware guest listens. */
  | { kind: 'acpi-shutdown' }
  /**
   * For a snapshot: pause the guest, finish and flush every disk write, write the machine state to
   * `stateFile` (when given), and stay paused until `switch-disks` (or `resume`, if the snapshot failed).
   */
  | { kind: 'checkpoint'; stateFile: string | null }
  /** Write to these disk files from now on (new children of the ones frozen by `checkpoint`), then go on. */
  | { kind: 'switch-disks'; disks: { slot: IdeSlot; path: string }[]; resume: boolean };

export type EngineReplyValue =
  | { kind: 'screenshot'; png: Uint8Array; width: number; height: number }
  | { kind: 'text-screen'; rows: string[]; mode: 'text' | 'graphics' }
  | { kind: 'done'; count: number }
  | { kind: 'checkpoint'; stateBytes: number; wasRunning: boolean };

export type EngineToHost =
  /** The process is up and listening. */
  | { t: 'hello'; pid: number }
  /** The guest runs (after boot or restore); `status` names what runs it. */
  | { t: 'running'; status: string }
  | { t: 'paused' }
  /** The state was written; the engine has stopped the guest and will exit. */
  | { t: 'saved'; file: string; bytes: number; ms: number }
  /** The guest is off (turned off, shut down through ACPI, or powered itself off); the process will exit. */
  | { t: 'off'; reason: string }
  | { t: 'console'; msg: ConsoleFromVm }
  | { t: 'serial-out'; port: 1 | 2; data: Uint8Array }
  | { t: 'reply'; id: number; value?: EngineReplyValue; error?: string }
  /** Something the user should hear about that does not stop the guest (a disk error, an unsupported device). */
  | { t: 'warning'; message: string }
  /** The engine cannot go on; the process exits after this. */
  | { t: 'fatal'; message: string }
  /** `vcpuPercent`: each virtual processor's use of a host CPU, where the engine can tell. */
  | { t: 'stats'; cpuPercent: number; rssMiB: number; vcpuPercent?: number[] };
