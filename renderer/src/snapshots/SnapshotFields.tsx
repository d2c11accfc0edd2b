import type { KeyboardEvent, RefObject } from 'react';
import { Field } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { errorFor } from '../state/errors.js';
import type { ClientError } from '../transport/index.js';

interface SnapshotFieldsProps {
  name: string;
  description: string;
  onName: (name: string) => void;
  onDescription: (description: string) => void;
  error: ClientError | null;
  nameRef?: RefObject<HTMLInputElement | null>;
  readOnly?: boolean;
}

/** A snapshot's name and description, each with the error the host (or the same schema here) gives it. */
export function SnapshotFields({ name, description, onName, onDescription, error, nameRef, readOnly }: SnapshotFieldsProps) {
  // Enter in the name confirms (the form's submit); in the description it is a new line, Ctrl+Enter confirms.
  const onDescriptionKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      e.currentTarget.form?.requestSubmit();
    }
  };
  return (
    <>
      <Field label={t('snapshot.field.name')} error={errorFor(error, 'name')}>
        {(control) => (
          <input {...control} ref={nameRef} type="text" value={name} maxLength={100} readOnly={readOnly} onChange={(e) => onName(e.target.value)} data-autofocus />
        )}
      </Field>
      <Field label={t('snapshot.field.description')} error={errorFor(error, 'description')} hint={t('snapshot.field.descriptionHint')}>
        {(control) => (
          <textarea
            {...control}
            rows={3}
            value={description}
            maxLength={2000}
            readOnly={readOnly}
            onChange={(e) => onDescription(e.target.value)}
            onKeyDown={onDescriptionKey}
          />
        )}
      </Field>
    </>
  );
}

/** Is the error about one of the fields (shown beside it), rather than about the whole request? */
export function isFieldError(error: ClientError | null): boolean {
  return !!errorFor(error, 'name') || !!errorFor(error, 'description');
}
