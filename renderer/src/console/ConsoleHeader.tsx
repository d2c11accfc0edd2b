import type { KeyboardEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { Icon, type IconName } from '../components/icons.js';
import { StateBadge } from '../components/StateBadge.js';
import { t, type MessageKey } from '../i18n/index.js';

export type ConsoleTab = 'screen' | 'serial' | 'snapshots';
const TABS: ConsoleTab[] = ['screen', 'serial', 'snapshots'];
const TAB_ICONS: Record<ConsoleTab, IconName> = { screen: 'connect', serial: 'serial', snapshots: 'snapshots' };
const TAB_LABELS: Record<ConsoleTab, MessageKey> = { screen: 'console.tab.screen', serial: 'console.tab.serial', snapshots: 'console.tab.snapshots' };

/** Back to the library, the VM's name and state, and the Screen / Serial / Snapshots tabs. */
export function ConsoleHeader({ vm, tab, onTab, onBack }: { vm: VmSummary; tab: ConsoleTab; onTab: (t: ConsoleTab) => void; onBack: () => void }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = TABS[(TABS.indexOf(tab) + (e.key === 'ArrowRight' ? 1 : -1) + TABS.length) % TABS.length]!;
    onTab(next);
    document.getElementById(`console-tab-${next}`)?.focus();
  };
  return (
    <header className="app-header console-header">
      <button type="button" className="tool-button" onClick={onBack} title={t('console.backTitle')}>
        <Icon name="back" />
        <span className="tool-label">{t('console.back')}</span>
      </button>
      <h1 className="console-title">{vm.name}</h1>
      <StateBadge state={vm.state} />
      <span className="spacer" />
      <div className="tabs" role="tablist" aria-label={t('console.views')} onKeyDown={onKeyDown}>
        {TABS.map((name) => (
          <button
            key={name}
            id={`console-tab-${name}`}
            type="button"
            role="tab"
            aria-selected={tab === name}
            tabIndex={tab === name ? 0 : -1}
            className="tab"
            onClick={() => onTab(name)}
          >
            <Icon name={TAB_ICONS[name]} size={16} />
            {t(TAB_LABELS[name])}
          </button>
        ))}
      </div>
    </header>
  );
}
