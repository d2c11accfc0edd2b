import type { RequestInput } from '../../../main/api/requests.js';

export type UndoAction = RequestInput<'vm.undo'>['action'];

/** A commit or discard on its way (a commit merges disks: it can take long), or the host's refusal. */
export interface UndoJob {
  working: Exclude<UndoAction, 'keep'> | null;
  error: string | null;
}

export interface UndoVm {
  id: string;
  name: string;
}

/**
 * What the renderer remembers about VMs' undo disks between the host's answers: which pending sessions
 * the person has answered (kept, committed, discarded) until the VM runs again, each VM's job, and the
 * close prompt ("Undo Disks") when it is open.
 */
export interface UndoState {
  answered: Record<string, true>;
  jobs: Record<string, UndoJob>;
  prompt: UndoVm | null;
  /** Moves when a commit or discard changed a VM's disks, so details shown are fetched again. */
  revision: number;
}

export type UndoEvent =
  | { kind: 'ran'; id: string }
  | { kind: 'prompt'; vm: UndoVm }
  | { kind: 'kept'; id: string }
  | { kind: 'working'; id: string; action: Exclude<UndoAction, 'keep'> }
  | { kind: 'failed'; id: string; message: string }
  | { kind: 'done'; id: string };

export const initialUndoState: UndoState = { answered: {}, jobs: {}, prompt: null, revision: 0 };

function without<T>(record: Record<string, T>, id: string): Record<string, T> {
  if (!(id in record)) return record;
  const { [id]: _gone, ...rest } = record;
  return rest;
}

const closePrompt = (prompt: UndoVm | null, id: string) => (prompt?.id === id ? null : prompt);

export function reduceUndo(state: UndoState, e: UndoEvent): UndoState {
  switch (e.kind) {
    case 'ran': {
      // The VM left off (or crashed): a new session, so the next turn off asks again.
      const job = state.jobs[e.id];
      if (!state.answered[e.id] && state.prompt?.id !== e.id && !job?.error) return state;
      return { ...state, answered: without(state.answered, e.id), jobs: job?.working ? state.jobs : without(state.jobs, e.id), prompt: closePrompt(state.prompt, e.id) };
    }
    case 'prompt':
      return { ...state, prompt: e.vm, answered: without(state.answered, e.vm.id) };
    case 'kept':
      return { ...state, answered: { ...state.answered, [e.id]: true }, jobs: without(state.jobs, e.id), prompt: closePrompt(state.prompt, e.id) };
    case 'working':
      return { ...state, jobs: { ...state.jobs, [e.id]: { working: e.action, error: null } } };
    case 'failed':
      return { ...state, jobs: { ...state.jobs, [e.id]: { working: null, error: e.message } } };
    case 'done':
      return {
        answered: { ...state.answered, [e.id]: true },
        jobs: without(state.jobs, e.id),
        prompt: closePrompt(state.prompt, e.id),
        revision: state.revision + 1,
      };
  }
}
