import { useCallback, useEffect, useReducer } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { toClientError, type ClientError, type HostEvent } from '../transport/index.js';
import { useClient } from './client-context.js';

export interface LibraryState {
  vms: VmSummary[];
  loaded: boolean;
  error: ClientError | null;
  /** False while the live event stream is lost (the web host went away). */
  connected: boolean;
}

type LibraryEvent =
  | { kind: 'loaded'; vms: VmSummary[] }
  | { kind: 'failed'; error: ClientError }
  | { kind: 'event'; event: HostEvent }
  | { kind: 'connection'; connected: boolean };

const byName = (a: VmSummary, b: VmSummary) => a.name.localeCompare(b.name);

function reduce(state: LibraryState, e: LibraryEvent): LibraryState {
  switch (e.kind) {
    case 'loaded':
      return { ...state, vms: [...e.vms].sort(byName), loaded: true, error: null };
    case 'failed':
      return { ...state, loaded: true, error: e.error };
    case 'connection':
      return { ...state, connected: e.connected };
    case 'event': {
      const ev = e.event;
      if (ev.name === 'vm.removed') return { ...state, vms: state.vms.filter((v) => v.id !== ev.payload.id) };
      if (ev.name !== 'vm.changed') return state;
      const others = state.vms.filter((v) => v.id !== ev.payload.id);
      return { ...state, vms: [...others, ev.payload].sort(byName) };
    }
  }
}

/** The VM library, kept current by the host's events (and reloaded when the event stream comes back). */
export function useLibrary(): LibraryState & { reload: () => void } {
  const client = useClient();
  const [state, dispatch] = useReducer(reduce, { vms: [], loaded: false, error: null, connected: true });
  const reload = useCallback(() => {
    client.request('vm.list', {}).then(
      (vms) => dispatch({ kind: 'loaded', vms }),
      (err: unknown) => dispatch({ kind: 'failed', error: toClientError(err) }),
    );
  }, [client]);
  useEffect(() => {
    const offEvents = client.onEvent((event) => dispatch({ kind: 'event', event }));
    const offConnection = client.onConnection((connected) => {
      dispatch({ kind: 'connection', connected });
      if (connected) reload();
    });
    reload();
    return () => {
      offEvents();
      offConnection();
    };
  }, [client, reload]);
  return { ...state, reload };
}
