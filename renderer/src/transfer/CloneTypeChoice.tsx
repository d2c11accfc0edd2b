import { useId } from 'react';
import { t } from '../i18n/index.js';
import { CLONE_MODES, type CloneMode } from './clone-options.js';

const TEXT = {
  linked: { label: 'clone.linked', hint: 'clone.linkedHint' },
  full: { label: 'clone.full', hint: 'clone.fullHint' },
} as const;

interface CloneTypeChoiceProps {
  mode: CloneMode;
  /** Why each kind cannot be made now (its radio is disabled and says so), or null. */
  reasons: Record<CloneMode, string | null>;
  readOnly: boolean;
  onChange: (mode: CloneMode) => void;
}

/** The radio group "Clone type": each kind named alone, its hint and any reason it is unavailable as its description. */
export function CloneTypeChoice({ mode, reasons, readOnly, onChange }: CloneTypeChoiceProps) {
  const id = useId();
  return (
    <div className="choices clone-types" role="radiogroup" aria-labelledby={`${id}-label`}>
      <div id={`${id}-label`} className="field-label">
        {t('clone.type')}
      </div>
      {CLONE_MODES.map((m) => {
        const reason = reasons[m];
        const described = [`${id}-${m}-hint`, reason ? `${id}-${m}-reason` : null].filter(Boolean).join(' ');
        return (
          <label key={m} className={`check choice ${reason ? 'choice-disabled' : ''}`}>
            <input
              type="radio"
              name={`${id}-mode`}
              value={m}
              checked={mode === m}
              disabled={!!reason || readOnly}
              aria-labelledby={`${id}-${m}-label`}
              aria-describedby={described}
              onChange={() => onChange(m)}
            />
            <span>
              <strong id={`${id}-${m}-label`}>{t(TEXT[m].label)}</strong>
              <span id={`${id}-${m}-hint`} className="muted small block">
                {t(TEXT[m].hint)}
              </span>
              {reason && (
                <span id={`${id}-${m}-reason`} className="warning-text small block">
                  {reason}
                </span>
              )}
            </span>
          </label>
        );
      })}
    </div>
  );
}
