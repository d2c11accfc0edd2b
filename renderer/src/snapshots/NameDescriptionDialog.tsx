import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { fieldMessage } from '../state/errors.js';
import { t } from '../i18n/index.js';
import type { ClientError } from '../transport/index.js';
import { isFieldError, SnapshotFields } from './SnapshotFields.js';

interface NameDescriptionDialogProps {
  title: string;
  confirm: string;
  intro?: ReactNode;
  /** Shown beside the buttons while the request is on its way. */
  workingText?: string;
  initialName: string;
  initialDescription: string;
  allowed: boolean;
  working: boolean;
  error: ClientError | null;
  clearError: () => void;
  /** Select the name so typing replaces it (a suggested name). */
  selectName?: boolean;
  onSubmit: (name: string, description: string) => void;
  onCancel: () => void;
}

/** The form Take Snapshot and Rename Snapshot share: a name and a description; Enter confirms. */
export function NameDescriptionDialog(p: NameDescriptionDialogProps) {
  const formId = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const [name, setName] = useState(p.initialName);
  const [description, setDescription] = useState(p.initialDescription);
  const { selectName } = p;

  useEffect(() => {
    if (selectName) nameRef.current?.select();
  }, [selectName]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!p.working && p.allowed) p.onSubmit(name, description);
  };
  const edited = (set: (v: string) => void) => (v: string) => {
    set(v);
    p.clearError();
  };

  const footer = (
    <>
      {p.error && !isFieldError(p.error) && <FieldError text={fieldMessage(p.error)} />}
      {p.working && p.workingText && <span className="muted small">{p.workingText}</span>}
      <span className="spacer" />
      <button type="button" onClick={p.onCancel}>
        {t('common.cancel')}
      </button>
      <button type="submit" form={formId} className="primary" disabled={p.working || !p.allowed}>
        {p.confirm}
      </button>
    </>
  );
  return (
    <Modal title={p.title} onCancel={p.onCancel} footer={footer} className="snap-dialog">
      <form id={formId} onSubmit={submit} noValidate>
        {p.intro && <p className="page-intro">{p.intro}</p>}
        <SnapshotFields
          name={name}
          description={description}
          onName={edited(setName)}
          onDescription={edited(setDescription)}
          error={p.error}
          nameRef={nameRef}
          readOnly={p.working}
        />
      </form>
    </Modal>
  );
}
