import { useEffect, useState } from 'react';
import type { HostInfo } from '../../../main/api/requests.js';
import { useClient } from './client-context.js';

/** host.info, asked once per mount (the wizard asks again for current free memory). */
export function useHostInfo(): HostInfo | null {
  const client = useClient();
  const [info, setInfo] = useState<HostInfo | null>(null);
  useEffect(() => {
    let live = true;
    client.request('host.info', {}).then(
      (i) => live && setInfo(i),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [client]);
  return info;
}
