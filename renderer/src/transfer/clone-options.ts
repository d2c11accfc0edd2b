import { IDE_SLOTS, type VmSettings } from '../../../main/api/vm-settings.js';
import { VM_ACTIONS, type VmState } from '../../../main/api/vm-state.js';

export type CloneMode = 'linked' | 'full';
export const CLONE_MODES: readonly CloneMode[] = ['linked', 'full'];

/**
 * Why a kind of clone cannot be made now, or null when it can: `state` (the VM's state does not allow it:
 * the host's own rules) or `noDisk` (a linked clone needs a hard disk to grow from).
 */
export type CloneBlock = 'state' | 'noDisk' | null;

/** Each kind of clone's block, for a VM in `state` with (`true`), without or (`null`) not yet known disks. */
export function cloneBlocks(state: VmState, hasDisk: boolean | null): Record<CloneMode, CloneBlock> {
  const allows = (states: readonly VmState[]) => states.includes(state);
  return {
    linked: !allows(VM_ACTIONS.cloneLinked) ? 'state' : hasDisk === false ? 'noDisk' : null,
    full: allows(VM_ACTIONS.cloneFull) ? null : 'state',
  };
}

/** The kind first offered: a full clone (independent, nothing added to the source) when it can be made. */
export function defaultCloneMode(blocks: Record<CloneMode, CloneBlock>): CloneMode {
  return blocks.full === null || blocks.linked !== null ? 'full' : 'linked';
}

/** Whether the settings name a hard disk (a linked clone grows from them). */
export function hasHardDisk(settings: VmSettings): boolean {
  return IDE_SLOTS.some((slot) => {
    const d = settings.ide[slot];
    return d?.kind === 'disk' && !!d.path;
  });
}

/**
 * The name first offered: "<name> Clone", then "<name> Clone 2", 3… while the library has it (names are
 * compared as the host does, ignoring case). `format` turns (name, n) into the words (n is 1 at first).
 */
export function suggestCloneName(name: string, taken: readonly string[], format: (name: string, n: number) => string): string {
  const used = new Set(taken.map((n) => n.toLowerCase()));
  for (let n = 1; ; n++) {
    const candidate = format(name, n);
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}
