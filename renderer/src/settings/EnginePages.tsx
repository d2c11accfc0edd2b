import { BOOT_DEVICES, ENGINES, MEMORY_LIMITS_MIB, type BootDevice } from '../../../main/api/vm-settings.js';
import { Field, FieldError } from '../components/Field.js';
import { PathField } from '../files/PathField.js';
import { formatNumber, t } from '../i18n/index.js';
import { bootLabel, engineLabel } from '../state/describe.js';
import { QemuPathSetting } from './QemuPathSetting.js';
import { sentence } from '../state/errors.js';
import type { SettingsPageProps } from './pages.js';

/** The devices the BIOS tries, in order; each may be left out (one must stay). */
export function BootPage({ draft, set, errorFor }: SettingsPageProps) {
  const order = draft.bootOrder;
  const unused = BOOT_DEVICES.filter((d) => !order.includes(d));
  const move = (at: number, by: number) => {
    const next = [...order];
    [next[at], next[at + by]] = [next[at + by]!, next[at]!];
    set({ bootOrder: next });
  };
  const row = (d: BootDevice, at: number) => (
    <li key={d} className="boot-row">
      <label className="check">
        <input
          type="checkbox"
          checked={at >= 0}
          disabled={at >= 0 && order.length === 1}
          onChange={(e) => set({ bootOrder: e.target.checked ? [...order, d] : order.filter((x) => x !== d) })}
        />
        {bootLabel(d)}
      </label>
      {at >= 0 && (
        <span className="boot-moves">
          <button type="button" disabled={at === 0} onClick={() => move(at, -1)} aria-label={t('settings.boot.up', { device: bootLabel(d) })}>
            ↑
          </button>
          <button type="button" disabled={at === order.length - 1} onClick={() => move(at, 1)} aria-label={t('settings.boot.down', { device: bootLabel(d) })}>
            ↓
          </button>
        </span>
      )}
    </li>
  );
  return (
    <>
      <p className="page-intro muted">{t('settings.boot.intro')}</p>
      <ol className="boot-list" aria-label={t('settings.page.boot')}>
        {order.map((d, i) => row(d, i))}
        {unused.map((d) => row(d, -1))}
      </ol>
      {errorFor('bootOrder') && <FieldError text={errorFor('bootOrder')!} />}
    </>
  );
}

/** Which engine runs the VM, and (advanced) a Linux kernel booted directly instead of the BIOS. */
export function EnginePage({ draft, set, errorFor, host }: SettingsPageProps) {
  const kernel = draft.kernel;
  return (
    <>
      <fieldset className="choices">
        <legend className="sr-only">{t('field.engine')}</legend>
        {ENGINES.map((e) => {
          const info = host?.engines.find((x) => x.name === e);
          const { min, max } = MEMORY_LIMITS_MIB[e];
          return (
            <label key={e} className="check choice">
              <input type="radio" name="engine" checked={draft.engine === e} onChange={() => set({ engine: e })} />
              <span>
                <strong>{engineLabel(e)}</strong>
                {info && <span className="muted small block">{sentence(info.description)}.</span>}
                <span className="muted small block">{t('settings.engine.memory', { min: formatNumber(min), max: formatNumber(max) })}</span>
                {info && !info.available && <span className="warning-text small block">{t('settings.engine.unavailable')}</span>}
              </span>
            </label>
          );
        })}
      </fieldset>
      {errorFor('engine') && <FieldError text={errorFor('engine')!} />}
      {draft.engine === 'qemu' && <QemuPathSetting host={host} />}
      <details className="advanced" open={!!kernel}>
        <summary>{t('settings.engine.advanced')}</summary>
        <label className="check">
          <input type="checkbox" checked={!!kernel} onChange={(e) => set({ kernel: e.target.checked ? { kernel: '', initrd: null, append: '' } : null })} />
          {t('settings.engine.directBoot')}
        </label>
        {kernel && (
          <div className="indent">
            <PathField label={t('field.kernel')} value={kernel.kernel} filter="all" chooserTitle={t('files.title.kernel')} browseLabel={t('common.browseFor', { what: t('field.kernel') })} error={errorFor('kernel.kernel')} onChange={(p) => set({ kernel: { ...kernel, kernel: p } })} />
            <PathField label={t('field.initrd')} value={kernel.initrd ?? ''} filter="all" chooserTitle={t('files.title.initrd')} browseLabel={t('common.browseFor', { what: t('field.initrd') })} error={errorFor('kernel.initrd')} clearable onChange={(p) => set({ kernel: { ...kernel, initrd: p || null } })} />
            <Field label={t('field.append')} error={errorFor('kernel.append')} hint={t('settings.engine.appendHint')}>
              {(c) => <input {...c} value={kernel.append} spellCheck={false} onChange={(e) => set({ kernel: { ...kernel, append: e.target.value } })} />}
            </Field>
          </div>
        )}
      </details>
    </>
  );
}
