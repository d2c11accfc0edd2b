import { PRESETS } from '../../../main/api/vm-settings.js';
import { Field } from '../components/Field.js';
import { MemoryField } from '../components/MemoryField.js';
import { OsPresetSelect } from '../components/OsPresetSelect.js';
import { formatNumber, t } from '../i18n/index.js';
import { engineLabel } from '../state/describe.js';
import { withPreset } from './draft.js';
import type { PageProps } from './WizardPage.js';

export function NamePage({ draft, errors, onChange }: PageProps) {
  return (
    <Field label={t('field.name')} error={errors.name} hint={t('wizard.name.hint')}>
      {(control) => <input {...control} value={draft.name} maxLength={64} autoComplete="off" data-autofocus onChange={(e) => onChange({ name: e.target.value })} />}
    </Field>
  );
}

export function OsPage({ draft, host, errors, onChange }: PageProps) {
  const preset = PRESETS[draft.preset];
  const engine = host?.engines.find((e) => e.name === preset.engine);
  const hint = t('wizard.os.defaults', { memory: formatNumber(preset.memoryMiB), disk: preset.diskGiB, engine: engineLabel(preset.engine) });
  return (
    <>
      <Field label={t('field.os')} error={errors.osPreset ?? errors.engine} hint={hint}>
        {(control) => <OsPresetSelect control={control} value={draft.preset} onChange={(p) => onChange(withPreset(draft, p))} />}
      </Field>
      {engine && !engine.available && <p className="warning-text">{t('wizard.os.engineMissing', { engine: engineLabel(engine.name), why: engine.description })}</p>}
    </>
  );
}

export function MemoryPage({ draft, host, errors, onChange }: PageProps) {
  return <MemoryField value={draft.memoryMiB} engine={PRESETS[draft.preset].engine} host={host} error={errors.memoryMiB} onChange={(memoryMiB) => onChange({ memoryMiB })} />;
}
