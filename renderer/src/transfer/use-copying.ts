import { useCallback, useState } from 'react';
import type { VmAction } from '../state/actions.js';

/** What a VM must not do while its disks are being copied (a full clone, an export): change or delete them. */
const WAITS: ReadonlySet<VmAction> = new Set<VmAction>(['start', 'settings', 'delete']);

/**
 * The VMs whose disks this window is copying, so that their Start, Settings and Delete wait for the copy
 * (the request may outlive the dialog that made it).
 */
export function useCopying() {
  const [copying, setCopying] = useState<Record<string, number>>({});

  const during = useCallback(async <T,>(id: string, copy: () => Promise<T>): Promise<T> => {
    const count = (by: number) => setCopying(({ [id]: n = 0, ...rest }) => (n + by > 0 ? { ...rest, [id]: n + by } : rest));
    count(1);
    try {
      return await copy();
    } finally {
      count(-1);
    }
  }, []);

  const isCopying = useCallback((id: string) => !!copying[id], [copying]);
  const blocks = useCallback((id: string, action: VmAction) => !!copying[id] && WAITS.has(action), [copying]);
  return { during, isCopying, blocks };
}

export type Copying = ReturnType<typeof useCopying>;
