import { useCallback, useState } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { toClientError } from '../transport/index.js';
import { POWER_REQUESTS, canDo, type PowerAction, type VmAction } from './actions.js';
import { useUndo } from '../undo/undo-context.js';
import { useClient } from './client-context.js';
import { sentence } from './errors.js';
import { useNotices } from './notices.js';

/**
 * Runs power actions (Start, Pause, Save State…) and remembers which VMs have one in flight, so their
 * buttons wait instead of sending it twice (a commit of undo disks counts too). A refusal or failure becomes
 * a notice in the host's words. Turning a VM off from here asks about its undo disks once it is off.
 */
export function useVmActions() {
  const client = useClient();
  const { push } = useNotices();
  const undo = useUndo();
  const [busy, setBusy] = useState<Record<string, PowerAction>>({});

  const run = useCallback(
    async (vm: VmSummary, action: PowerAction): Promise<boolean> => {
      setBusy((b) => ({ ...b, [vm.id]: action }));
      const turningOff = action === 'turnOff' || action === 'shutdown';
      // Before the request: the VM may be off before its answer arrives.
      if (turningOff) undo.expectOff(vm.id);
      try {
        await client.request(POWER_REQUESTS[action], { id: vm.id });
        return true;
      } catch (e) {
        if (turningOff) undo.forget(vm.id);
        push('error', sentence(toClientError(e).message));
        return false;
      } finally {
        setBusy(({ [vm.id]: _done, ...rest }) => rest);
      }
    },
    [client, push, undo],
  );

  /** Whether the button for `action` is usable now: the state allows it and nothing is in flight. */
  const enabled = useCallback((vm: VmSummary | undefined, action: VmAction) => {
    return !!vm && !busy[vm.id] && !undo.job(vm.id)?.working && canDo(action, vm.state);
  }, [busy, undo]);

  return { run, enabled, busy };
}
