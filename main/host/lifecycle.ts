import { ApiError } from '../api/requests.js';
import { STATE_LABELS, type VmState } from '../api/vm-state.js';

/** What a person may do to a VM in each state (the toolbar enables exactly these). */
export const ACTIONS = {
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
} as const satisfies Record<string, readonly VmState[]>;

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
