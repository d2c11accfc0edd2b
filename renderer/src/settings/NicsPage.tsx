import { MAX_NICS, NETWORK_KIND_TEXT, NIC_MODELS, type NetworkInfo, type Nic } from '../../../main/api/networks.js';
import { Field, FieldError } from '../components/Field.js';
import { t, type MessageKey } from '../i18n/index.js';
import { randomMac } from '../networks/mac.js';
import { canAddNic, canRewire, newNic } from '../networks/nic-draft.js';
import { useNetworks } from '../networks/use-networks.js';
import type { SettingsPageProps } from './pages.js';

/**
 * The VM's network adapters (up to four): model, MAC and the network each cable goes to. While the VM
 * runs only the cables can change (the host rewires them live): the rest is hardware the guest has found.
 */
export function NicsPage({ draft, set, errorFor, vm, live, readOnly }: SettingsPageProps) {
  const { networks, loaded } = useNetworks();
  const nics = draft.nics;
  const hardwareFixed = readOnly;
  const cablesOnly = readOnly && canRewire(live?.state ?? vm.state);
  const put = (i: number, patch: Partial<Nic>) => set({ nics: nics.map((n, j) => (j === i ? { ...n, ...patch } : n)) });
  const whole = nics.some((_, i) => errorFor(`nics.${i}`)) ? null : errorFor('nics');
  return (
    <>
      <p className="page-intro muted">{t('settings.nics.intro')}</p>
      {cablesOnly && <div className="banner banner-info">{t('settings.nics.running')}</div>}
      {whole && <FieldError text={whole} />}
      {nics.length === 0 && <p className="muted">{t('settings.nics.none')}</p>}
      {nics.map((nic, i) => (
        <NicSlot
          key={i}
          i={i}
          nic={nic}
          networks={networks}
          loaded={loaded}
          hardwareFixed={hardwareFixed}
          errorFor={errorFor}
          put={(patch) => put(i, patch)}
          otherMacs={nics.filter((_, j) => j !== i).map((n) => n.mac)}
          remove={() => set({ nics: nics.filter((_, j) => j !== i) })}
        />
      ))}
      <div className="nic-add">
        <button type="button" disabled={hardwareFixed || !canAddNic(nics)} onClick={() => set({ nics: [...nics, newNic(nics, draft.osPreset, networks[0]?.settings.name ?? null)] })}>
          {t('settings.nics.add')}
        </button>
        <span className="muted small">{t(canAddNic(nics) ? 'settings.nics.addHint' : 'settings.nics.full', { max: MAX_NICS })}</span>
      </div>
    </>
  );
}

interface NicSlotProps {
  i: number;
  nic: Nic;
  networks: NetworkInfo[];
  loaded: boolean;
  hardwareFixed: boolean;
  otherMacs: string[];
  errorFor: (field: string) => string | null;
  put: (patch: Partial<Nic>) => void;
  remove: () => void;
}

function NicSlot({ i, nic, networks, loaded, hardwareFixed, otherMacs, errorFor, put, remove }: NicSlotProps) {
  const name = t('settings.nics.adapter', { n: i + 1 });
  const chosen = networks.find((n) => n.settings.name === nic.network);
  const missing = nic.network !== null && loaded && !chosen;
  return (
    <div className="slot nic-slot" role="group" aria-label={name}>
      <div className="nic-head">
        <h4>{name}</h4>
        <button type="button" disabled={hardwareFixed} onClick={remove} aria-label={t('settings.nics.removeNamed', { name })}>
          {t('settings.nics.remove')}
        </button>
      </div>
      <div className="nic-fields">
        <Field label={t('settings.nics.network')} error={errorFor(`nics.${i}.network`)} hint={missing ? t('settings.nics.missing', { name: nic.network! }) : chosen ? NETWORK_KIND_TEXT[chosen.settings.kind].label : t('settings.nics.unplugged')}>
          {(c) => (
            <select {...c} value={nic.network ?? ''} onChange={(e) => put({ network: e.target.value || null })}>
              <option value="">{t('settings.nics.notConnected')}</option>
              {networks.map((n) => (
                <option key={n.settings.name} value={n.settings.name}>
                  {n.settings.name}
                </option>
              ))}
              {nic.network !== null && !chosen && <option value={nic.network}>{nic.network}</option>}
            </select>
          )}
        </Field>
        <Field label={t('settings.nics.model')} error={errorFor(`nics.${i}.model`)}>
          {(c) => (
            <select {...c} value={nic.model} disabled={hardwareFixed} onChange={(e) => put({ model: e.target.value as Nic['model'] })}>
              {NIC_MODELS.map((m) => (
                <option key={m} value={m}>
                  {t(`settings.nics.model.${m}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('settings.nics.mac')} error={errorFor(`nics.${i}.mac`)}>
          {(c) => (
            <div className="path-field nic-mac">
              <input {...c} className="mono" value={nic.mac} spellCheck={false} disabled={hardwareFixed} onChange={(e) => put({ mac: e.target.value })} />
              <button type="button" disabled={hardwareFixed} onClick={() => put({ mac: randomMac(otherMacs) })} aria-label={t('settings.nics.generateFor', { name })}>
                {t('settings.nics.generate')}
              </button>
            </div>
          )}
        </Field>
      </div>
    </div>
  );
}
