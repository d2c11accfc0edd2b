import { useEffect, useState } from 'react';
import type { VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { useClient } from './client-context.js';

/**
 * The full record (settings included) of a VM, fetched again whenever something in its summary other than
 * the thumbnail and CPU meter changes (a state change, a rename), or when `revision` moves (after an edit).
 */
export function useVmDetails(vm: VmSummary | undefined, revision = 0): VmDetails | null {
  const client = useClient();
  const [details, setDetails] = useState<VmDetails | null>(null);
  const key = vm ? JSON.stringify({ ...vm, thumbnailVersion: 0, cpuPercent: 0, vcpuPercent: null }) : '';
  const id = vm?.id;
  useEffect(() => {
    if (!id) return;
    let live = true;
    client.request('vm.get', { id }).then(
      (d) => live && setDetails(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client, id, key, revision]);
  return details && details.id === id ? details : null;
}
