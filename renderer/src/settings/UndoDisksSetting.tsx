import { useId } from 'react';
import { FieldError } from '../components/Field.js';
import { t } from '../i18n/index.js';
import type { SettingsPageProps } from './pages.js';

/** Virtual PC's "Enable undo disks"; fixed while the undo disks hold a session's changes (the host says so too). */
export function UndoDisksSetting({ draft, set, errorFor, vm }: SettingsPageProps) {
  const id = useId();
  const locked = vm.undoPending;
  const error = errorFor('undoDisks');
  return (
    <div className={`field undo-setting ${error ? 'field-invalid' : ''}`}>
      <label className="check">
        <input
          type="checkbox"
          checked={draft.undoDisks}
          disabled={locked}
          aria-describedby={`${id}-hint${locked ? ` ${id}-locked` : ''}`}
          onChange={(e) => set({ undoDisks: e.target.checked })}
        />
        {t('settings.disks.undo')}
      </label>
      <div id={`${id}-hint`} className="field-hint">
        {t('settings.disks.undoHint')}
      </div>
      {locked && (
        <div id={`${id}-locked`} className="field-hint undo-locked">
          {t('settings.disks.undoLocked')}
        </div>
      )}
      {error && <FieldError text={error} />}
    </div>
  );
}
