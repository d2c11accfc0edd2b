import type { VmSummary } from '../../../main/api/vm-state.js';
import { Icon } from '../components/icons.js';
import { stateLabel } from '../components/StateBadge.js';
import { t } from '../i18n/index.js';
import { canDo } from '../state/actions.js';
import { sentence } from '../state/errors.js';

/** Over the screen when the guest is not simply running: why, and the button that carries on. */
export function ScreenOverlay({ vm, onStart, onResume }: { vm: VmSummary; onStart: () => void; onResume: () => void }) {
  if (vm.state === 'running') return null;
  const transient = vm.state === 'starting' || vm.state === 'saving' || vm.state === 'stopping';
  return (
    <div className={`screen-overlay ${vm.state === 'paused' ? 'light' : ''}`}>
      <div className="overlay-card">
        <div className="overlay-state">{transient ? `${stateLabel(vm.state)}…` : stateLabel(vm.state)}</div>
        {vm.stateReason && <p className={`overlay-reason ${vm.state === 'crashed' ? 'error' : ''}`}>{sentence(vm.stateReason)}</p>}
        {canDo('start', vm.state) && (
          <button type="button" className="big primary" onClick={onStart} aria-label={t('next.startNamed', { name: vm.name })}>
            <Icon name="start" size={20} />
            {t('action.start')}
          </button>
        )}
        {canDo('resume', vm.state) && (
          <button type="button" className="big primary" onClick={onResume} aria-label={t('next.resumeNamed', { name: vm.name })}>
            <Icon name="resume" size={20} />
            {t('action.resume')}
          </button>
        )}
      </div>
    </div>
  );
}
