import { useCallback, useEffect, useRef, useState } from 'react';
import type { SnapshotTree } from '../../../main/api/snapshots.js';
import { useClient } from '../state/client-context.js';
import { toClientError, type ClientError } from '../transport/index.js';

interface Loaded {
  vmId: string;
  tree: SnapshotTree | null;
  error: ClientError | null;
  /** The name of every snapshot seen, deleted ones included: a merge's progress names one that is gone. */
  names: Record<string, string>;
}

export interface SnapshotsState {
  tree: SnapshotTree | null;
  error: ClientError | null;
  nameOf: (snapshotId: string) => string | null;
  /** Asks the host again (after an action whose answer is not a tree). */
  reload: () => void;
  /** Shows a tree an action answered with. */
  show: (tree: SnapshotTree) => void;
}

function withNames(names: Record<string, string>, tree: SnapshotTree): Record<string, string> {
  const next = { ...names };
  for (const s of tree.snapshots) next[s.id] = s.name;
  return next;
}

/**
 * A VM's snapshot tree: asked for with `snapshot.list` on mount, kept current by `snapshots.changed`, asked
 * for again when the event stream comes back. An answer overtaken by a newer event or answer is dropped, so
 * a slow reply never shows an older tree over a newer one.
 */
export function useSnapshots(vmId: string): SnapshotsState {
  const client = useClient();
  const [loaded, setLoaded] = useState<Loaded>({ vmId, tree: null, error: null, names: {} });
  const latest = useRef(0);

  const show = useCallback(
    (tree: SnapshotTree) => {
      if (tree.vmId !== vmId) return;
      latest.current++;
      setLoaded((l) => ({ vmId, tree, error: null, names: withNames(l.vmId === vmId ? l.names : {}, tree) }));
    },
    [vmId],
  );

  const reload = useCallback(() => {
    const ask = ++latest.current;
    client.request('snapshot.list', { id: vmId }).then(
      (tree) => {
        if (ask !== latest.current) return;
        setLoaded((l) => ({ vmId, tree, error: null, names: withNames(l.vmId === vmId ? l.names : {}, tree) }));
      },
      (e: unknown) => {
        if (ask !== latest.current) return;
        setLoaded((l) => (l.vmId === vmId ? { ...l, error: toClientError(e) } : { vmId, tree: null, error: toClientError(e), names: {} }));
      },
    );
  }, [client, vmId]);

  useEffect(() => {
    const offEvents = client.onEvent((event) => {
      if (event.name === 'snapshots.changed') show(event.payload);
    });
    const offConnection = client.onConnection((connected) => connected && reload());
    reload();
    return () => {
      offEvents();
      offConnection();
    };
  }, [client, reload, show]);

  const mine = loaded.vmId === vmId ? loaded : null;
  const names = mine?.names;
  const nameOf = useCallback((id: string) => names?.[id] ?? null, [names]);
  return { tree: mine?.tree ?? null, error: mine?.error ?? null, nameOf, reload, show };
}
