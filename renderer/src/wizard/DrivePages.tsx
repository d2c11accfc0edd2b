import { Field } from '../components/Field.js';
import { NumberInput } from '../components/NumberInput.js';
import { PathField } from '../files/PathField.js';
import { t } from '../i18n/index.js';
import { MAX_DISK_GIB, type DiskChoice } from './draft.js';
import type { PageProps } from './WizardPage.js';

const DISK_CHOICES: DiskChoice[] = ['new', 'existing', 'none'];

export function DiskPage({ draft, errors, onChange }: PageProps) {
  return (
    <fieldset className="choices">
      <legend className="sr-only">{t('wizard.disk.title')}</legend>
      {DISK_CHOICES.map((choice) => (
        <div key={choice} className="choice">
          <label className="check">
            <input type="radio" name="disk" checked={draft.disk === choice} onChange={() => onChange({ disk: choice })} />
            {t(`wizard.disk.${choice}`)}
          </label>
          {choice === 'new' && draft.disk === 'new' && (
            <Field label={t('field.sizeGiB')} error={errors['newDisk.sizeMiB']} hint={t('wizard.disk.newHint')} className="indent">
              {(control) => <NumberInput {...control} min={1} max={MAX_DISK_GIB} value={draft.sizeGiB} onChange={(sizeGiB) => onChange({ sizeGiB })} />}
            </Field>
          )}
          {choice === 'existing' && draft.disk === 'existing' && (
            <div className="indent">
              <PathField
                label={t('field.diskFile')}
                value={draft.existingDisk}
                filter="hardDisk"
                chooserTitle={t('files.title.hardDisk')}
                error={errors['ide.primaryMaster']}
                onChange={(existingDisk) => onChange({ existingDisk })}
              />
            </div>
          )}
        </div>
      ))}
    </fieldset>
  );
}

export function CdPage({ draft, errors, onChange }: PageProps) {
  return (
    <PathField
      label={t('field.cdImage')}
      value={draft.cdImage}
      filter="cdImage"
      chooserTitle={t('files.title.cdImage')}
      error={errors['ide.secondaryMaster'] ?? errors['ide.secondaryMaster.path']}
      hint={t('wizard.cd.hint')}
      placeholder={t('wizard.cd.placeholder')}
      clearable
      onChange={(cdImage) => onChange({ cdImage })}
    />
  );
}
