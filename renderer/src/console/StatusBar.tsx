import type { VmSummary } from '../../../main/api/vm-state.js';
import { StateBadge } from '../components/StateBadge.js';
import { t } from '../i18n/index.js';
import type { ScreenInfo } from './use-screen-renderer.js';

/** Capture hint, engine, guest resolution and state, along the bottom of the console. */
export function StatusBar({ vm, info, captured }: { vm: VmSummary; info: ScreenInfo | null; captured: boolean }) {
  const resolution = info ? (info.graphical ? info.resolution : t('console.textMode', { size: info.resolution })) : '—';
  return (
    <div className="status-bar" data-testid="console-status" role="status" aria-label={t('console.status')}>
      <span className={`status-hint ${captured ? 'captured' : ''}`}>{captured ? t('console.releaseHint') : t('console.captureHint')}</span>
      <span className="spacer" />
      <span className="status-item" title={t('console.engine')}>
        {vm.engineStatus ?? vm.engine}
      </span>
      <span className="status-item" title={t('console.resolution')}>
        {resolution}
      </span>
      <span className="status-item">
        <StateBadge state={vm.state} />
      </span>
    </div>
  );
}
