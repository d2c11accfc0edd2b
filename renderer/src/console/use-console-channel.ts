import { useEffect, useState } from 'react';
import { useClient } from '../state/client-context.js';
import type { ConsoleChannel } from '../transport/index.js';

/**
 * The console stream of VM `id` while its engine is up (`live`); a new one for each run, since in Electron
 * the port goes to the VM's process and ends with it.
 */
export function useConsoleChannel(id: string, live: boolean): ConsoleChannel | null {
  const client = useClient();
  const [channel, setChannel] = useState<ConsoleChannel | null>(null);
  useEffect(() => {
    if (!live) return;
    const ch = client.openConsole(id);
    // The channel is an external connection whose handle the console's parts share: state is its place.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setChannel(ch);
    return () => {
      ch.close();
      setChannel(null);
    };
  }, [client, id, live]);
  return channel;
}
