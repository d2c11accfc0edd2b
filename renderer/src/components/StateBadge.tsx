import type { VmState } from '../../../main/api/vm-state.js';
import { t, type MessageKey } from '../i18n/index.js';

export function stateLabel(state: VmState): string {
  return t(`state.${state}` as MessageKey);
}

/** The state as a coloured dot and its word. */
export function StateBadge({ state, id }: { state: VmState; id?: string }) {
  return (
    <span id={id} className={`state-badge state-${state}`}>
      <span className="state-dot" aria-hidden="true" />
      {stateLabel(state)}
    </span>
  );
}
