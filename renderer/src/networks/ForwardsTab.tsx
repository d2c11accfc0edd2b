import type { PortForward } from '../../../main/api/networks.js';
import { FieldError } from '../components/Field.js';
import { NumberInput } from '../components/NumberInput.js';
import { t } from '../i18n/index.js';
import { newForward } from './draft.js';
import type { EditorProps } from './editor-props.js';
import { RowButtons } from './RowButtons.js';

/** Ports on this computer that lead to a VM's service (host-only and NAT networks only). */
export function ForwardsTab({ draft, set, errorFor }: EditorProps) {
  const forwards = draft.forwards;
  const internal = draft.kind === 'internal';
  const put = (i: number, patch: Partial<PortForward>) => set({ forwards: forwards.map((f, j) => (j === i ? { ...f, ...patch } : f)) });
  const rowError = forwards.map((_, i) => errorFor(`forwards.${i}`)).find(Boolean) ?? errorFor('forwards');
  return (
    <>
      <p className="page-intro muted small">{t('net.fwd.intro')}</p>
      {internal && <div className="banner banner-info">{t('net.fwd.internal')}</div>}
      {forwards.length > 0 && (
        <table className="net-table net-edit-table" aria-label={t('net.fwd.table')}>
          <thead>
            <tr>
              <th scope="col">{t('net.fwd.col.protocol')}</th>
              <th scope="col">{t('net.fwd.col.hostAddress')}</th>
              <th scope="col">{t('net.fwd.col.hostPort')}</th>
              <th scope="col" aria-hidden="true" />
              <th scope="col">{t('net.fwd.col.guestAddress')}</th>
              <th scope="col">{t('net.fwd.col.guestPort')}</th>
              <th scope="col">
                <span className="sr-only">{t('net.col.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {forwards.map((f, i) => (
              <ForwardRow key={i} forward={f} i={i} count={forwards.length} errorFor={errorFor} put={(p) => put(i, p)} remove={() => set({ forwards: forwards.filter((_, j) => j !== i) })} />
            ))}
          </tbody>
        </table>
      )}
      {forwards.length === 0 && <p className="muted small">{t('net.fwd.none')}</p>}
      {rowError && <FieldError text={rowError} />}
      <button type="button" className="net-add" disabled={internal || forwards.length >= 64} onClick={() => set({ forwards: [...forwards, newForward(draft)] })}>
        {t('net.fwd.add')}
      </button>
    </>
  );
}

interface ForwardRowProps {
  forward: PortForward;
  i: number;
  count: number;
  errorFor: (field: string) => string | null;
  put: (patch: Partial<PortForward>) => void;
  remove: () => void;
}

function ForwardRow({ forward: f, i, count, errorFor, put, remove }: ForwardRowProps) {
  const n = i + 1;
  const invalid = (field: string) => (errorFor(`forwards.${i}.${field}`) ? { 'aria-invalid': true } : {});
  return (
    <tr>
      <td>
        <select aria-label={t('net.fwd.protocolOf', { n })} value={f.protocol} onChange={(e) => put({ protocol: e.target.value as PortForward['protocol'] })}>
          <option value="tcp">TCP</option>
          <option value="udp">UDP</option>
        </select>
      </td>
      <td>
        <input aria-label={t('net.fwd.hostAddressOf', { n })} {...invalid('hostAddress')} className="mono" value={f.hostAddress} spellCheck={false} onChange={(e) => put({ hostAddress: e.target.value })} />
      </td>
      <td>
        <NumberInput aria-label={t('net.fwd.hostPortOf', { n })} {...invalid('hostPort')} className="port" min={1} max={65535} value={f.hostPort} onChange={(hostPort) => put({ hostPort })} />
      </td>
      <td className="muted" aria-hidden="true">
        →
      </td>
      <td>
        <input aria-label={t('net.fwd.guestAddressOf', { n })} {...invalid('guestAddress')} className="mono" value={f.guestAddress} spellCheck={false} onChange={(e) => put({ guestAddress: e.target.value })} />
      </td>
      <td>
        <NumberInput aria-label={t('net.fwd.guestPortOf', { n })} {...invalid('guestPort')} className="port" min={1} max={65535} value={f.guestPort} onChange={(guestPort) => put({ guestPort })} />
      </td>
      <td>
        <RowButtons what={t('net.fwd.forward', { n })} at={i} count={count} remove={remove} />
      </td>
    </tr>
  );
}
