import { VM_ACTIONS, VM_STATES, type VmState } from '../../../main/api/vm-state.js';
import type { MessageKey } from '../i18n/index.js';

/** What a person can do in the Snapshots panel (its toolbar, a node's context menu, the tree's keys). */
export type SnapshotAction = 'take' | 'revert' | 'delete' | 'rename';

/**
 * The states each action is allowed in: the host's own table (VM_ACTIONS), so the buttons match what it
 * accepts. Renaming only changes the name and description: the table has no row for it, so every state.
 */
export const SNAPSHOT_ACTION_STATES: Record<SnapshotAction, readonly VmState[]> = {
  take: VM_ACTIONS.takeSnapshot,
  revert: VM_ACTIONS.revertSnapshot,
  delete: VM_ACTIONS.deleteSnapshot,
  rename: VM_STATES,
};

export const SNAPSHOT_ACTION_LABELS: Record<SnapshotAction, MessageKey> = {
  take: 'snapshot.action.take',
  revert: 'snapshot.action.revert',
  delete: 'snapshot.action.delete',
  rename: 'snapshot.action.rename',
};

export function canDoSnapshot(action: SnapshotAction, state: VmState | undefined): boolean {
  return state !== undefined && SNAPSHOT_ACTION_STATES[action].includes(state);
}
