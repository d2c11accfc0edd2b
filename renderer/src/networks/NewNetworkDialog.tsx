import { useRef, useState } from 'react';
import { NETWORK_KINDS, NETWORK_KIND_TEXT, type NetworkInfo, type NetworkKind } from '../../../main/api/networks.js';
import { Field, FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { errorField, errorFor, fieldMessage } from '../state/errors.js';
import { useDialogRequest } from '../state/use-dialog-request.js';
import { useFocusInvalid } from '../transfer/use-focus-invalid.js';
import { KindText } from './KindText.js';

/** What the person asked of DHCP; applied after the host made the network with its own defaults. */
export interface DhcpWish {
  enabled: boolean;
  first: string;
  last: string;
}

interface NewNetworkDialogProps {
  takenNames: string[];
  onCreated: (info: NetworkInfo) => void;
  onCancel: () => void;
}

/** New network: a name, a kind (with what it can and cannot do), and optionally its subnet and DHCP range. */
export function NewNetworkDialog({ takenNames, onCreated, onCancel }: NewNetworkDialogProps) {
  const client = useClient();
  const form = useRef<HTMLFormElement>(null);
  const [name, setName] = useState('');
  const [kind, setKind] = useState<NetworkKind>('host-only');
  const [subnet, setSubnet] = useState('');
  // DHCP follows the kind (internal networks start without it, as the host makes them) until it is ticked or cleared.
  const [dhcpChoice, setDhcp] = useState<Omit<DhcpWish, 'enabled'> & { enabled: boolean | null }>({ enabled: null, first: '', last: '' });
  const dhcp: DhcpWish = { ...dhcpChoice, enabled: dhcpChoice.enabled ?? kind !== 'internal' };
  const { working, error, setError, run } = useDialogRequest();
  useFocusInvalid(form, error);

  const create = () => {
    const trimmed = name.trim();
    if (!trimmed) return setError({ code: 'INVALID_INPUT', field: 'name', message: t('net.new.nameRequired') });
    if (takenNames.some((n) => n.toLowerCase() === trimmed.toLowerCase())) return setError({ code: 'INVALID_INPUT', field: 'name', message: t('net.new.nameTaken', { name: trimmed }) });
    // What is left empty the host fills in from the kind's defaults (the subnet, the DHCP range).
    const range = { ...(dhcp.first.trim() ? { first: dhcp.first.trim() } : {}), ...(dhcp.last.trim() ? { last: dhcp.last.trim() } : {}) };
    const settings = { name: trimmed, kind, ...(subnet.trim() ? { subnet: subnet.trim() } : {}), dhcp: { enabled: dhcp.enabled, ...range } };
    void run(() => client.request('net.create', { settings }), onCreated);
  };

  const footer = (
    <>
      {error && !errorField(error) && <FieldError text={fieldMessage(error)} />}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" form="new-network" className="primary" disabled={working}>
        {t('net.new.create')}
      </button>
    </>
  );
  const err = (field: string) => errorFor(error, field);
  return (
    <Modal title={t('net.new.title')} onCancel={onCancel} footer={footer} className="new-network">
      <form
        id="new-network"
        ref={form}
        onSubmit={(e) => {
          e.preventDefault();
          create();
        }}
      >
        <Field label={t('net.field.name')} error={err('name')} hint={t('net.new.nameHint')}>
          {(c) => <input {...c} value={name} maxLength={64} data-autofocus onChange={(e) => setName(e.target.value)} />}
        </Field>
        <fieldset className="choices">
          <legend>{t('net.field.kind')}</legend>
          {NETWORK_KINDS.map((k) => (
            <label key={k} className="check choice">
              <input type="radio" name="kind" checked={kind === k} onChange={() => setKind(k)} />
              <span>
                <strong>{NETWORK_KIND_TEXT[k].label}</strong>
                <span className="muted small block">
                  <KindText kind={k} />
                </span>
              </span>
            </label>
          ))}
        </fieldset>
        {err('kind') && <FieldError text={err('kind')!} />}
        <Field label={t('net.field.subnetOptional')} error={err('subnet')} hint={t('net.new.subnetHint')}>
          {(c) => <input {...c} className="mono" value={subnet} placeholder="10.0.5.0/24" spellCheck={false} onChange={(e) => setSubnet(e.target.value)} />}
        </Field>
        <DhcpWishFields dhcp={dhcp} onChange={setDhcp} />
      </form>
    </Modal>
  );
}

function DhcpWishFields({ dhcp, onChange }: { dhcp: DhcpWish; onChange: (d: DhcpWish) => void }) {
  return (
    <>
      <label className="check check-row">
        <input type="checkbox" checked={dhcp.enabled} onChange={(e) => onChange({ ...dhcp, enabled: e.target.checked })} />
        {t('net.dhcp.enabled')}
      </label>
      {dhcp.enabled && (
        <div className="field-row indent">
          <Field label={t('net.dhcp.firstOptional')}>
            {(c) => <input {...c} className="mono" value={dhcp.first} placeholder={t('net.new.auto')} spellCheck={false} onChange={(e) => onChange({ ...dhcp, first: e.target.value })} />}
          </Field>
          <Field label={t('net.dhcp.lastOptional')}>
            {(c) => <input {...c} className="mono" value={dhcp.last} placeholder={t('net.new.auto')} spellCheck={false} onChange={(e) => onChange({ ...dhcp, last: e.target.value })} />}
          </Field>
        </div>
      )}
    </>
  );
}
