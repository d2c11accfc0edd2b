import { MAX_NICS, type Nic } from '../../../main/api/networks.js';
import type { OsPreset } from '../../../main/api/vm-settings.js';
import type { VmState } from '../../../main/api/vm-state.js';
import { randomMac } from './mac.js';

/**
 * The rules of a VM's adapters in the settings dialog. While the VM runs (or its state is saved), an
 * adapter's cable can move to another network or be unplugged (the host rewires the switch port); its
 * model, its MAC and the number of adapters are hardware the guest has already found, so they wait until
 * the VM is off.
 */
export function canRewire(state: VmState | undefined): boolean {
  return state === 'running' || state === 'paused' || state === 'saved';
}

/** Old guests (DOS, Windows 9x/2000/XP) have NE2000 drivers; a 64-bit Linux has virtio-net built in. */
export function defaultModel(preset: OsPreset): Nic['model'] {
  return preset === 'linux64' ? 'virtio' : 'ne2k';
}

/** A new adapter: the model the OS knows, a fresh MAC unlike the VM's others, on the given network. */
export function newNic(nics: readonly Nic[], preset: OsPreset, network: string | null): Nic {
  return { model: defaultModel(preset), mac: randomMac(nics.map((n) => n.mac)), network };
}

export function canAddNic(nics: readonly Nic[]): boolean {
  return nics.length < MAX_NICS;
}

/** True when the adapters differ at most in where their cables go: what may change while the VM runs. */
export function onlyRewired(before: readonly Nic[], after: readonly Nic[]): boolean {
  return before.length === after.length && before.every((b, i) => b.model === after[i]!.model && b.mac === after[i]!.mac);
}
