import type { KeyboardEvent } from 'react';
import { t, type MessageKey } from '../i18n/index.js';
import { NETWORK_TABS, type NetworkTab } from './tabs.js';

/** The editor's tabs along the top; arrows move between them; a tab whose field was refused is marked. */
export function EditorTabs({ tab, onTab, errorTab, counts }: { tab: NetworkTab; onTab: (t: NetworkTab) => void; errorTab: NetworkTab | null; counts: Partial<Record<NetworkTab, number>> }) {
  const onKeyDown = (e: KeyboardEvent) => {
    const at = NETWORK_TABS.indexOf(tab);
    const to = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: NETWORK_TABS.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = NETWORK_TABS[(to + NETWORK_TABS.length) % NETWORK_TABS.length]!;
    onTab(next);
    document.getElementById(`net-tab-${next}`)?.focus();
  };
  return (
    <div className="net-tabs" role="tablist" aria-label={t('net.sections')} onKeyDown={onKeyDown}>
      {NETWORK_TABS.map((name) => (
        <button
          key={name}
          id={`net-tab-${name}`}
          type="button"
          role="tab"
          aria-selected={tab === name}
          aria-controls="net-panel"
          tabIndex={tab === name ? 0 : -1}
          className={`net-tab ${name === errorTab ? 'has-error' : ''}`}
          onClick={() => onTab(name)}
        >
          {t(`net.tab.${name}` as MessageKey)}
          {counts[name] !== undefined && <span className="net-tab-count">{counts[name]}</span>}
        </button>
      ))}
    </div>
  );
}
