import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { NetworkInfo } from '../../../main/api/networks.js';
import { t } from '../i18n/index.js';
import { KindBadge } from './KindBadge.js';

interface NetworkListProps {
  networks: NetworkInfo[];
  selected: string | null;
  /** Networks with changes not applied yet. */
  modified: (name: string) => boolean;
  onSelect: (name: string) => void;
}

/** The networks as a list box named "Networks": each option is named by the network, arrows move. */
export function NetworkList({ networks, selected, modified, onSelect }: NetworkListProps) {
  const list = useRef<HTMLUListElement>(null);
  const index = networks.findIndex((n) => n.settings.name === selected);

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const to = { ArrowDown: Math.min(networks.length - 1, index + 1), ArrowUp: Math.max(0, index - 1), Home: 0, End: networks.length - 1 }[e.key];
    if (to === undefined || !networks[to]) return;
    e.preventDefault();
    onSelect(networks[to].settings.name);
  };

  return (
    <ul
      ref={list}
      className="net-list"
      role="listbox"
      aria-label={t('net.list')}
      tabIndex={0}
      aria-activedescendant={index >= 0 ? `net-option-${index}` : undefined}
      onKeyDown={onKeyDown}
    >
      {networks.map((n, i) => (
        <NetworkListItem key={n.settings.name} id={`net-option-${i}`} info={n} selected={i === index} modified={modified(n.settings.name)} onClick={() => onSelect(n.settings.name)} />
      ))}
    </ul>
  );
}

function NetworkListItem({ id, info, selected, modified, onClick }: { id: string; info: NetworkInfo; selected: boolean; modified: boolean; onClick: () => void }) {
  const s = info.settings;
  const nics = info.ports.length;
  return (
    <li id={id} role="option" aria-selected={selected} aria-label={s.name} aria-describedby={`${id}-facts`} className={`net-item ${selected ? 'selected' : ''}`} onClick={onClick}>
      <div className="net-item-head">
        <span className="net-item-name">{s.name}</span>
        {modified && (
          <span className="net-modified" title={t('net.modified')}>
            ●<span className="sr-only">{t('net.modified')}</span>
          </span>
        )}
      </div>
      <div id={`${id}-facts`} className="net-item-facts">
        <KindBadge kind={s.kind} />
        <span>{t(s.dhcp.enabled ? 'net.list.dhcpOn' : 'net.list.dhcpOff')}</span>
        <span>{t(nics === 1 ? 'net.list.nic' : 'net.list.nics', { n: nics })}</span>
      </div>
    </li>
  );
}
