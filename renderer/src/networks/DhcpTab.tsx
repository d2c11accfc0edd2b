import type { Lease } from '../../../main/api/networks.js';
import { Field } from '../components/Field.js';
import { NumberInput } from '../components/NumberInput.js';
import { t } from '../i18n/index.js';
import { shortTime } from '../snapshots/format.js';
import type { DhcpDraft } from './draft.js';
import type { EditorProps } from './editor-props.js';
import { duration } from './format.js';

/** The network's DHCP server: on or off, the range it hands out, lease time, router and DNS; its leases. */
export function DhcpTab({ info, draft, set, errorFor }: EditorProps) {
  const dhcp = draft.dhcp;
  const put = (patch: Partial<DhcpDraft>) => set({ dhcp: { ...dhcp, ...patch } });
  const text = (key: 'first' | 'last' | 'gateway' | 'dns', label: string, hint?: string) => (
    <Field label={label} error={errorFor(`dhcp.${key}`)} hint={hint}>
      {(c) => <input {...c} className="mono" value={dhcp[key]} spellCheck={false} disabled={!dhcp.enabled} onChange={(e) => put({ [key]: e.target.value })} />}
    </Field>
  );
  return (
    <>
      <label className="check check-row">
        <input type="checkbox" checked={dhcp.enabled} onChange={(e) => put({ enabled: e.target.checked })} />
        {t('net.dhcp.enabled')}
      </label>
      <p className="page-intro muted small">{t('net.dhcp.intro', { subnet: draft.subnet })}</p>
      <div className="field-row">
        {text('first', t('net.dhcp.first'))}
        {text('last', t('net.dhcp.last'))}
      </div>
      <div className="field-row">
        <Field label={t('net.dhcp.lease')} error={errorFor('dhcp.leaseSeconds')} hint={t('net.dhcp.leaseHint', { time: duration(dhcp.leaseSeconds) })}>
          {(c) => <NumberInput {...c} className="narrow" min={60} max={604800} value={dhcp.leaseSeconds} disabled={!dhcp.enabled} onChange={(leaseSeconds) => put({ leaseSeconds })} />}
        </Field>
        {text('gateway', t('net.dhcp.gateway'), t(draft.kind === 'internal' ? 'net.dhcp.gatewayInternal' : 'net.dhcp.gatewayHint', { host: info.hostAddress }))}
      </div>
      <div className="field-row">{text('dns', t('net.dhcp.dns'), t('net.dhcp.dnsHint'))}</div>
      <h4 className="net-subhead">{t('net.leases')}</h4>
      <LeasesTable leases={info.leases} />
    </>
  );
}

function LeasesTable({ leases }: { leases: Lease[] }) {
  if (leases.length === 0) return <p className="muted small">{t('net.leases.none')}</p>;
  return (
    <table className="net-table" aria-label={t('net.leases')}>
      <thead>
        <tr>
          <th scope="col">{t('net.col.mac')}</th>
          <th scope="col">{t('net.col.address')}</th>
          <th scope="col">{t('net.col.hostname')}</th>
          <th scope="col">{t('net.col.expires')}</th>
        </tr>
      </thead>
      <tbody>
        {leases.map((l) => (
          <tr key={l.mac}>
            <td className="mono">{l.mac}</td>
            <td className="mono">{l.address}</td>
            <td>{l.hostname ?? <span className="muted">—</span>}</td>
            <td>{shortTime(l.expires)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
