import type { KeyboardEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { Icon } from '../components/icons.js';
import { StateBadge } from '../components/StateBadge.js';
import { t } from '../i18n/index.js';

export type ConsoleTab = 'screen' | 'serial';
const TABS: ConsoleTab[] = ['screen', 'serial'];

/** Back to the library, the VM's name and state, and the Screen / Serial tabs. */
export function ConsoleHeader({ vm, tab, onTab, onBack }: { vm: VmSummary; tab: ConsoleTab; onTab: (t: ConsoleTab) => void; onBack: () => void }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const next = TABS[(TABS.indexOf(tab) + 1) % TABS.length]!;
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
            <Icon name={name === 'screen' ? 'connect' : 'serial'} size={16} />
            {t(name === 'screen' ? 'console.tab.screen' : 'console.tab.serial')}
          </button>
        ))}
      </div>
    </header>
  );
}
