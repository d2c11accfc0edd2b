import { useCallback, useState } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { toClientError } from '../transport/index.js';
import { POWER_REQUESTS, canDo, type PowerAction } from './actions.js';
import { useClient } from './client-context.js';
import { sentence } from './errors.js';
import { useNotices } from './notices.js';

/**
 * Runs power actions (Start, Pause, Save State…) and remembers which VMs have one in flight, so their
 * buttons wait instead of sending it twice. A refusal or failure becomes a notice in the host's words.
 */
export function useVmActions() {
  const client = useClient();
  const { push } = useNotices();
  const [busy, setBusy] = useState<Record<string, PowerAction>>({});

  const run = useCallback(
    async (vm: VmSummary, action: PowerAction): Promise<boolean> => {
      setBusy((b) => ({ ...b, [vm.id]: action }));
      try {
        await client.request(POWER_REQUESTS[action], { id: vm.id });
        return true;
      } catch (e) {
        push('error', sentence(toClientError(e).message));
        return false;
      } finally {
        setBusy(({ [vm.id]: _done, ...rest }) => rest);
      }
    },
    [client, push],
  );

  /** Whether the button for `action` is usable now: the state allows it and nothing is in flight. */
  const enabled = useCallback((vm: VmSummary | undefined, action: PowerAction | 'settings' | 'delete') => {
    return !!vm && !busy[vm.id] && canDo(action, vm.state);
  }, [busy]);

  return { run, enabled, busy };
}
