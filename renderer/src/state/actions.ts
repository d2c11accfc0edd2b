import type { RequestName } from '../../../main/api/requests.js';
import { VM_ACTIONS, type VmState } from '../../../main/api/vm-state.js';
import type { MessageKey } from '../i18n/index.js';

/** What a person can do to a VM from the toolbar, the context menu or the console. */
export type VmAction = 'start' | 'turnOff' | 'shutdown' | 'save' | 'pause' | 'resume' | 'reset' | 'ctrlAltDel' | 'settings' | 'clone' | 'export' | 'delete';
/** The actions that open a dialog rather than go to the host at once. */
export type DialogAction = 'settings' | 'clone' | 'export' | 'delete';
export type PowerAction = Exclude<VmAction, DialogAction>;

/**
 * The states each action is allowed in: the host's own rules, so the buttons match what it accepts. Clone…
 * opens in any state one kind of clone allows (a linked clone is the more lenient).
 */
export const ACTION_STATES: Record<VmAction, readonly VmState[]> = { ...VM_ACTIONS, settings: VM_ACTIONS.edit, clone: VM_ACTIONS.cloneLinked };

export const POWER_REQUESTS: Record<PowerAction, RequestName & `vm.${string}`> = {
  start: 'vm.start',
  turnOff: 'vm.turnOff',
  shutdown: 'vm.shutdown',
  save: 'vm.save',
  pause: 'vm.pause',
  resume: 'vm.resume',
  reset: 'vm.reset',
  ctrlAltDel: 'vm.ctrlAltDel',
};

export const ACTION_LABELS: Record<VmAction, MessageKey> = {
  start: 'action.start',
  turnOff: 'action.turnOff',
  shutdown: 'action.shutdown',
  save: 'action.save',
  pause: 'action.pause',
  resume: 'action.resume',
  reset: 'action.reset',
  ctrlAltDel: 'action.ctrlAltDel',
  settings: 'action.settings',
  clone: 'action.clone',
  export: 'action.export',
  delete: 'action.delete',
};

export function canDo(action: VmAction, state: VmState | undefined): boolean {
  return state !== undefined && ACTION_STATES[action].includes(state);
}

/** A VM at rest, whose undo disks' session can be committed, discarded or kept. */
export function canCloseUndo(state: VmState | undefined): boolean {
  return state !== undefined && (VM_ACTIONS.closeUndo as readonly VmState[]).includes(state);
}

/** A VM whose engine is up: it has a screen to connect to. */
export function isLive(state: VmState | undefined): boolean {
  return state === 'running' || state === 'paused' || state === 'saving' || state === 'stopping';
}

const DIALOG_ACTIONS: readonly VmAction[] = ['settings', 'clone', 'export', 'delete'] satisfies DialogAction[];

export function isPowerAction(action: VmAction): action is PowerAction {
  return !DIALOG_ACTIONS.includes(action);
}
