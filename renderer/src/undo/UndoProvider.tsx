import { useCallback, useEffect, useMemo, useReducer, useRef, type ReactNode } from 'react';
import { t } from '../i18n/index.js';
import { canCloseUndo } from '../state/actions.js';
import { useClient } from '../state/client-context.js';
import { sentence } from '../state/errors.js';
import { useNotices } from '../state/notices.js';
import { toClientError } from '../transport/index.js';
import { UndoContext, type Undo } from './undo-context.js';
import { initialUndoState, reduceUndo, type UndoAction, type UndoVm } from './undo-state.js';
import { UndoPromptDialog } from './UndoPromptDialog.js';

const DONE_MESSAGES = { commit: 'undo.committed', discard: 'undo.discarded', keep: 'undo.kept' } as const;

/**
 * Undo disks for the whole window: runs vm.undo, remembers answers until a VM runs again, and, like
 * Virtual PC at close, asks what to do with a session's changes when the person has turned the VM off.
 */
export function UndoProvider({ children }: { children: ReactNode }) {
  const client = useClient();
  const { push } = useNotices();
  const [state, dispatch] = useReducer(reduceUndo, initialUndoState);
  const expected = useRef(new Set<string>());

  useEffect(
    () =>
      client.onEvent((event) => {
        if (event.name !== 'vm.changed') return;
        const vm = event.payload;
        if (!canCloseUndo(vm.state)) return dispatch({ kind: 'ran', id: vm.id });
        if (!expected.current.delete(vm.id)) return;
        client.request('vm.get', { id: vm.id }).then(
          (d) => d.undoPending && canCloseUndo(d.state) && dispatch({ kind: 'prompt', vm: { id: d.id, name: d.name } }),
          () => undefined,
        );
      }),
    [client],
  );

  const choose = useCallback(
    async (vm: UndoVm, action: UndoAction) => {
      if (action === 'keep') {
        // The host keeps a session by doing nothing: the answer is the person's, shown at once.
        dispatch({ kind: 'kept', id: vm.id });
        push('info', t(DONE_MESSAGES.keep, { name: vm.name }));
        return client.request('vm.undo', { id: vm.id, action }).then(
          () => undefined,
          (e: unknown) => push('error', sentence(toClientError(e).message)),
        );
      }
      dispatch({ kind: 'working', id: vm.id, action });
      try {
        await client.request('vm.undo', { id: vm.id, action });
      } catch (e) {
        return dispatch({ kind: 'failed', id: vm.id, message: sentence(toClientError(e).message) });
      }
      dispatch({ kind: 'done', id: vm.id });
      push('info', t(DONE_MESSAGES[action], { name: vm.name }));
    },
    [client, push],
  );

  const value = useMemo<Undo>(
    () => ({
      answered: (id) => !!state.answered[id],
      job: (id) => state.jobs[id],
      revision: state.revision,
      choose,
      expectOff: (id) => void expected.current.add(id),
      forget: (id) => void expected.current.delete(id),
    }),
    [state, choose],
  );

  return (
    <UndoContext.Provider value={value}>
      {children}
      {state.prompt && <UndoPromptDialog key={state.prompt.id} vm={state.prompt} />}
    </UndoContext.Provider>
  );
}
