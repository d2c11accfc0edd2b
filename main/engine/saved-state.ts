import { promises as fs } from 'node:fs';
import { replaceAtomically } from '../disk/atomic-file.js';

/**
 * A saved machine state file ("<Name>.kaso-state"): a first line naming the format, a JSON line saying what
 * the state belongs to (engine, memory, disks), then the engine's own state bytes. Written whole or not at all.
 */
const MAGIC = 'KASO-SAVED-STATE 1';

export interface SavedStateHeader {
  engine: string;
  engineVersion: string;
  memoryMiB: number;
  /** Whether the machine had ACPI (v86's state has a different shape with it); absent in older states: no. */
  acpi?: boolean;
  disks: string[];
  /** The NIC models the machine had (the state holds those devices); absent in older states: one NE2000. */
  nics?: ('ne2k' | 'virtio')[];
  /** Adapters 2 to 4, which the engine's own state leaves out (main/engine/v86/nic-adapter.ts). */
  extraNics?: string;
  /** The QEMU engine: the devices the state was saved with (qemu-args.ts machineShape). */
  machine?: string;
  saved: string;
  /** Length of the engine's state after the header, to tell a file cut short (older files: absent). */
  stateBytes?: number;
}

/** `durable: false` leaves forcing it to storage to the caller (a snapshot does it after the guest resumed). */
export async function writeSavedState(file: string, header: SavedStateHeader, state: Uint8Array, durable = true): Promise<number> {
  const head = Buffer.from(`${MAGIC}\n${JSON.stringify({ ...header, stateBytes: state.length })}\n`, 'utf8');
  await replaceAtomically(file, [head, state], durable);
  return head.length + state.length;
}

export async function readSavedState(file: string): Promise<{ header: SavedStateHeader; state: Uint8Array }> {
  const all = await fs.readFile(file);
  const first = all.indexOf(10);
  const second = first < 0 ? -1 : all.indexOf(10, first + 1);
  if (first < 0 || second < 0 || all.subarray(0, first).toString('utf8') !== MAGIC)
    throw new Error(`${file} is not a Kaso saved state`);
  const header = JSON.parse(all.subarray(first + 1, second).toString('utf8')) as SavedStateHeader;
  if (header.stateBytes !== undefined && header.stateBytes !== all.length - second - 1)
    throw new Error(`${file} is incomplete (${all.length - second - 1} of ${header.stateBytes} bytes): it was cut short, perhaps by a power failure; discard the saved state`);
  return { header, state: new Uint8Array(all.buffer, all.byteOffset + second + 1, all.length - second - 1) };
}
