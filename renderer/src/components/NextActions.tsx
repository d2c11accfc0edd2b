import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { canDo, isLive } from '../state/actions.js';
import { Icon } from './icons.js';

interface NextActionsProps {
  vm: VmSummary;
  busy: boolean;
  onStart: () => void;
  onResume: () => void;
  onConnect: () => void;
}

/**
 * The big buttons: Start (or Resume) and Connect. Their names include the VM's ("Start demo") so they are
 * told apart from the toolbar's.
 */
export function NextActions({ vm, busy, onStart, onResume, onConnect }: NextActionsProps) {
  const start = canDo('start', vm.state);
  const resume = canDo('resume', vm.state);
  const live = isLive(vm.state);
  return (
    <div className="next-actions">
      {start && (
        <button type="button" className="big primary" disabled={busy} onClick={onStart} aria-label={t('next.startNamed', { name: vm.name })}>
          <Icon name="start" size={20} />
          {t('action.start')}
        </button>
      )}
      {resume && (
        <button type="button" className="big primary" disabled={busy} onClick={onResume} aria-label={t('next.resumeNamed', { name: vm.name })}>
          <Icon name="resume" size={20} />
          {t('action.resume')}
        </button>
      )}
      {vm.state === 'starting' && <span className="muted starting">{t('next.starting')}</span>}
      {(live || vm.state === 'starting') && (
        <button
          type="button"
          className={`big ${vm.state === 'running' ? 'primary' : ''}`}
          disabled={!live}
          onClick={onConnect}
          aria-label={t('next.connectNamed', { name: vm.name })}
        >
          <Icon name="connect" size={20} />
          {t('action.connect')}
        </button>
      )}
    </div>
  );
}
