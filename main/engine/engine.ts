import { EventEmitter } from 'node:events';
import type { ConsoleToVm } from '../api/console.js';
import type { EngineBootConfig, EngineReplyValue, EngineRequest } from './protocol.js';
import type { ScreenModel } from './screen-model.js';

/**
 * One running guest, whatever runs it. The engine process drives it through this interface only, so v86
 * and QEMU are interchangeable behind the same protocol.
 */
export interface Engine extends EventEmitter<EngineEvents> {
  readonly screen: ScreenModel;
  /** Boots (or resumes from the config's saved state); resolves with what runs the guest ("v86"). */
  boot(config: EngineBootConfig): Promise<string>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  reset(): Promise<void>;
  /** Pulls the plug: disks are flushed, the guest stops at once. */
  turnOff(): Promise<void>;
  /** Stops the guest and writes its whole state (RAM, devices) to `file`; disks are flushed first. */
  saveState(file: string): Promise<{ bytes: number }>;
  input(msg: ConsoleToVm): void;
  request(what: EngineRequest): Promise<EngineReplyValue>;
  /** Called ~30 times a second: lets graphics modes copy the new frame into the screen model. */
  refreshScreen(): void;
  /** CPU and memory use of whatever runs the guest when it is not this process (QEMU); null: this process. */
  usage(): { cpuPercent: number; rssMiB: number; vcpuPercent: number[] } | null;
  /** The process to cap at the VM's CPU maximum, and whether it may be paused to do it. */
  cpuTarget(): { pid: number; canPause: boolean };
}

export interface EngineEvents {
  serial: [port: 1 | 2, data: Uint8Array];
  /** The guest turned itself off (ACPI S5); the reason is for the user. */
  off: [reason: string];
  warning: [message: string];
  /** Whatever runs the guest died or the guest crashed: the VM is crashed, with this reason. */
  failed: [reason: string];
}
