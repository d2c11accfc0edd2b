import { Field } from '../components/Field.js';
import { MemoryField } from '../components/MemoryField.js';
import { NumberInput } from '../components/NumberInput.js';
import { OsPresetSelect } from '../components/OsPresetSelect.js';
import { t } from '../i18n/index.js';
import type { SettingsPageProps } from './pages.js';

export function GeneralPage({ draft, set, errorFor, vm }: SettingsPageProps) {
  return (
    <>
      <Field label={t('field.name')} error={errorFor('name')}>
        {(c) => <input {...c} value={draft.name} maxLength={64} onChange={(e) => set({ name: e.target.value })} />}
      </Field>
      <Field label={t('field.os')} error={errorFor('osPreset')}>
        {(c) => <OsPresetSelect control={c} value={draft.osPreset} onChange={(osPreset) => set({ osPreset })} />}
      </Field>
      <Field label={t('field.notes')} error={errorFor('notes')}>
        {(c) => <textarea {...c} rows={6} value={draft.notes} onChange={(e) => set({ notes: e.target.value })} />}
      </Field>
      <p className="muted small">
        {t('settings.general.file')} <span className="path">{vm.configFile}</span>
      </p>
    </>
  );
}

export function MemoryPage({ draft, set, errorFor, host, readOnly }: SettingsPageProps) {
  return <MemoryField value={draft.memoryMiB} engine={draft.engine} host={host} error={errorFor('memoryMiB')} disabled={readOnly} onChange={(memoryMiB) => set({ memoryMiB })} />;
}

export function CpuPage({ draft, set, errorFor }: SettingsPageProps) {
  const cpu = draft.cpu;
  const field = (key: keyof typeof cpu, min: number, max: number) => (
    <Field label={t(`field.cpu.${key}`)} error={errorFor(`cpu.${key}`)} hint={t(`settings.cpu.${key}Hint`)}>
      {(c) => <NumberInput {...c} min={min} max={max} value={cpu[key]} onChange={(v) => set({ cpu: { ...cpu, [key]: v } })} />}
    </Field>
  );
  return (
    <>
      <p className="page-intro muted">{t('settings.cpu.intro')}</p>
      {field('processors', 1, draft.engine === 'v86' ? 1 : 64)}
      {field('reserve', 0, 100)}
      {field('maximum', 1, 100)}
      {field('weight', 1, 10000)}
    </>
  );
}
