import { NETWORK_KINDS, NETWORK_KIND_TEXT, type NetworkKind } from '../../../main/api/networks.js';
import { Field } from '../components/Field.js';
import { NumberInput } from '../components/NumberInput.js';
import { t } from '../i18n/index.js';
import type { EditorProps } from './editor-props.js';
import { KindText } from './KindText.js';

/** Name (fixed once created), kind with what it can and cannot do, subnet, the host's address, MTU, notes. */
export function GeneralTab({ info, draft, set, errorFor }: EditorProps) {
  return (
    <>
      <Field label={t('net.field.name')} hint={t('net.nameFixed')}>
        {(c) => <input {...c} value={draft.name} readOnly />}
      </Field>
      <Field label={t('net.field.kind')} error={errorFor('kind')} hint={<KindText kind={draft.kind} />}>
        {(c) => (
          <select {...c} value={draft.kind} onChange={(e) => set({ kind: e.target.value as NetworkKind })}>
            {NETWORK_KINDS.map((k) => (
              <option key={k} value={k}>
                {NETWORK_KIND_TEXT[k].label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="field-row">
        <Field label={t('net.field.subnet')} error={errorFor('subnet')} hint={t('net.subnetHint')}>
          {(c) => <input {...c} className="mono" value={draft.subnet} spellCheck={false} onChange={(e) => set({ subnet: e.target.value })} />}
        </Field>
        <Field label={t('net.field.mtu')} error={errorFor('mtu')} hint={t('net.mtuHint')}>
          {(c) => <NumberInput {...c} className="narrow" min={576} max={9000} value={draft.mtu} onChange={(mtu) => set({ mtu })} />}
        </Field>
      </div>
      <div className="field">
        <span className="field-label">{t('net.field.hostAddress')}</span>
        <span className="mono">{draft.kind === 'internal' ? t('net.hostAddressNone') : info.hostAddress}</span>
        <span className="field-hint">{t(draft.kind === 'internal' ? 'net.hostAddressInternal' : 'net.hostAddressHint')}</span>
      </div>
      <Field label={t('net.field.notes')} error={errorFor('notes')}>
        {(c) => <textarea {...c} rows={3} value={draft.notes} onChange={(e) => set({ notes: e.target.value })} />}
      </Field>
      <p className="muted small">
        {t('net.file')} <span className="path">{info.file}</span>
      </p>
    </>
  );
}
