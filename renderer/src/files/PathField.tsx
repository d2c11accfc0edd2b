import { useState } from 'react';
import { Field } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { FileChooser } from './FileChooser.js';
import type { FilterName, PickKind } from './filters.js';

interface PathFieldProps {
  label: string;
  value: string;
  onChange: (path: string) => void;
  filter: FilterName;
  /** A file (the default), a folder, or either. */
  pick?: PickKind;
  /** The chooser's title. */
  chooserTitle: string;
  error?: string | null;
  hint?: string;
  placeholder?: string;
  disabled?: boolean;
  /** Shows a Clear button (for a drive that may be empty). */
  clearable?: boolean;
  /** The Browse button's accessible name, where several share a page ("Browse…" alone otherwise). */
  browseLabel?: string;
}

/** A file (or folder) path typed or chosen with "Browse…". */
export function PathField(p: PathFieldProps) {
  const [choosing, setChoosing] = useState(false);
  return (
    <Field label={p.label} error={p.error} hint={p.hint}>
      {(control) => (
        <div className="path-field">
          <input
            {...control}
            value={p.value}
            placeholder={p.placeholder}
            disabled={p.disabled}
            spellCheck={false}
            onChange={(e) => p.onChange(e.target.value)}
          />
          <button type="button" disabled={p.disabled} onClick={() => setChoosing(true)} aria-label={p.browseLabel ?? t('common.browse')}>
            {t('common.browse')}
          </button>
          {p.clearable && (
            <button type="button" disabled={p.disabled || !p.value} onClick={() => p.onChange('')}>
              {t('common.clear')}
            </button>
          )}
          {choosing && (
            <FileChooser
              title={p.chooserTitle}
              filter={p.filter}
              pick={p.pick}
              current={p.value || null}
              onCancel={() => setChoosing(false)}
              onChoose={(path) => {
                setChoosing(false);
                p.onChange(path);
              }}
            />
          )}
        </div>
      )}
    </Field>
  );
}
