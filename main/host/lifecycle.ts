import { ApiError } from '../api/requests.js';
import { STATE_LABELS, VM_ACTIONS, type VmState } from '../api/vm-state.js';

export const ACTIONS = VM_ACTIONS;

export type Action = keyof typeof ACTIONS;

const VERBS: Record<Action, string> = {
  start: 'start',
  turnOff: 'turn off',
  shutdown: 'shut down',
  pause: 'pause',
  resume: 'resume',
  reset: 'reset',
  save: 'save the state of',
  ctrlAltDel: 'send Ctrl+Alt+Del to',
  discardSavedState: 'discard the saved state of',
  edit: 'change the settings of',
  delete: 'delete',
  takeSnapshot: 'take a snapshot of',
  revertSnapshot: 'revert',
  deleteSnapshot: 'delete a snapshot of',
  cloneLinked: 'make a linked clone of',
  cloneFull: 'make a full clone of (turn it off or save its state first)',
  closeUndo: 'commit or discard the undo disks of',
  export: 'export (turn it off or save its state first)',
};

export function allowed(action: Action, state: VmState): boolean {
  return (ACTIONS[action] as readonly VmState[]).includes(state);
}

/** Refuses an action the state does not allow, saying why in words a person understands. */
export function ensureAllowed(action: Action, state: VmState, name: string): void {
  if (allowed(action, state)) return;
  if (action === 'edit' && state === 'saved')
    throw new ApiError('CONFLICT', `cannot change the settings of "${name}" while its state is saved (the state belongs to the current hardware): start it and shut it down, or discard the saved state`);
  throw new ApiError('CONFLICT', `cannot ${VERBS[action]} "${name}" while it is ${STATE_LABELS[state].toLowerCase()}`);
}
