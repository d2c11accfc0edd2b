import type { ConnectedPort, DropCounters, NetworkInfo } from '../../../main/api/networks.js';
import { formatBytes, formatNumber, t, type MessageKey } from '../i18n/index.js';
import { CaptureControl } from './CaptureControl.js';

const DROPS: (keyof DropCounters)[] = ['firewall', 'noRoute', 'spoofed', 'flood', 'malformed', 'oversized'];

/** Who is plugged into the network (live from net.changed), what the switch dropped, and a packet capture. */
export function ConnectionsTab({ info, onInfo }: { info: NetworkInfo; onInfo: (info: NetworkInfo) => void }) {
  return (
    <>
      <p className="page-intro muted small">{t('net.ports.intro')}</p>
      <PortsTable ports={info.ports} />
      <h4 className="net-subhead">{t('net.drops')}</h4>
      <dl className="net-drops" aria-label={t('net.drops')}>
        {DROPS.map((k) => (
          <div key={k} className={`net-drop ${info.drops[k] ? 'nonzero' : ''}`} title={t(`net.drop.${k}Hint` as MessageKey)}>
            <dt>{t(`net.drop.${k}` as MessageKey)}</dt>
            <dd>{formatNumber(info.drops[k])}</dd>
          </div>
        ))}
      </dl>
      <h4 className="net-subhead">{t('net.capture')}</h4>
      <CaptureControl key={info.settings.name} info={info} onInfo={onInfo} />
    </>
  );
}

function Traffic({ frames, bytes }: { frames: number; bytes: number }) {
  return (
    <>
      {t('net.ports.frames', { n: formatNumber(frames) })}
      <span className="block muted small">{formatBytes(bytes)}</span>
    </>
  );
}

function PortsTable({ ports }: { ports: ConnectedPort[] }) {
  const sorted = [...ports].sort((a, b) => a.vmName.localeCompare(b.vmName) || a.index - b.index);
  return (
    <div className="net-table-wrap">
      <table className="net-table" aria-label={t('net.ports.table')}>
        <thead>
          <tr>
            <th scope="col">{t('net.ports.col.vm')}</th>
            <th scope="col" className="num">
              {t('net.ports.col.nic')}
            </th>
            <th scope="col">{t('net.col.mac')}</th>
            <th scope="col">{t('net.ports.col.link')}</th>
            <th scope="col">{t('net.ports.col.addresses')}</th>
            <th scope="col" className="num">
              {t('net.ports.col.rx')}
            </th>
            <th scope="col" className="num">
              {t('net.ports.col.tx')}
            </th>
            <th scope="col" className="num">
              {t('net.ports.col.dropped')}
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((p) => (
            <tr key={p.portId}>
              <td className="strong">{p.vmName}</td>
              <td className="num">{p.index + 1}</td>
              <td className="mono">{p.mac}</td>
              <td>
                <span className={`link-state ${p.linked ? 'up' : 'down'}`}>{t(p.linked ? 'net.ports.linked' : 'net.ports.notLinked')}</span>
              </td>
              <td className="mono">{p.addresses.length ? p.addresses.join(', ') : <span className="muted">—</span>}</td>
              <td className="num">
                <Traffic frames={p.rxFrames} bytes={p.rxBytes} />
              </td>
              <td className="num">
                <Traffic frames={p.txFrames} bytes={p.txBytes} />
              </td>
              <td className="num">{formatNumber(p.dropped)}</td>
            </tr>
          ))}
          {sorted.length === 0 && (
            <tr>
              <td colSpan={8} className="muted empty-row">
                {t('net.ports.none')}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
