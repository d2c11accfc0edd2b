import { useCallback, useEffect, useRef, useState } from 'react';
import type { NetworkInfo } from '../../../main/api/networks.js';
import { useClient } from '../state/client-context.js';
import { toClientError, type ClientError } from '../transport/index.js';

export interface Networks {
  networks: NetworkInfo[];
  loaded: boolean;
  error: ClientError | null;
  /** Puts a network the host answered with (create, update, capture) in the list at once, before its event. */
  put: (info: NetworkInfo) => void;
  /** Takes a deleted network out at once. */
  drop: (name: string) => void;
}

type Change = { put: NetworkInfo } | { drop: string };

const byName = (a: NetworkInfo, b: NetworkInfo) => a.settings.name.localeCompare(b.settings.name);

function apply(list: NetworkInfo[], change: Change): NetworkInfo[] {
  if ('drop' in change) return list.filter((n) => n.settings.name !== change.drop);
  return [...list.filter((n) => n.settings.name !== change.put.settings.name), change.put].sort(byName);
}

/**
 * The host's virtual networks: net.list on mount and when the event stream comes back (events may have
 * been missed), kept current by net.changed (settings, connections, leases, counters) and net.removed.
 * Events that arrive while a list is on its way are applied again on top of it, so a slow answer never
 * brings back a deleted network or old counters.
 */
export function useNetworks(): Networks {
  const client = useClient();
  const [networks, setNetworks] = useState<NetworkInfo[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const inFlight = useRef<Change[] | null>(null);

  const change = useCallback((c: Change) => {
    inFlight.current?.push(c);
    setNetworks((list) => apply(list, c));
  }, []);

  const reload = useCallback(() => {
    const seen: Change[] = [];
    inFlight.current = seen;
    client.request('net.list', {}).then(
      (list) => {
        if (inFlight.current === seen) inFlight.current = null;
        setNetworks(seen.reduce(apply, [...list].sort(byName)));
        setLoaded(true);
        setError(null);
      },
      (e: unknown) => {
        if (inFlight.current === seen) inFlight.current = null;
        setLoaded(true);
        setError(toClientError(e));
      },
    );
  }, [client]);

  useEffect(() => {
    const offEvents = client.onEvent((event) => {
      if (event.name === 'net.changed') change({ put: event.payload });
      else if (event.name === 'net.removed') change({ drop: event.payload.name });
    });
    const offConnection = client.onConnection((connected) => connected && reload());
    reload();
    return () => {
      offEvents();
      offConnection();
    };
  }, [client, reload, change]);

  const put = useCallback((info: NetworkInfo) => change({ put: info }), [change]);
  const drop = useCallback((name: string) => change({ drop: name }), [change]);
  return { networks, loaded, error, put, drop };
}
