import { useId, useRef, useState, type FormEvent } from 'react';
import { requestSchemas, type RequestResults } from '../../../main/api/requests.js';
import { Field, FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { PathField } from '../files/PathField.js';
import { isAbsolute } from '../files/paths.js';
import { t } from '../i18n/index.js';
import { check } from '../snapshots/check.js';
import { useClient } from '../state/client-context.js';
import { errorFor, fieldMessage } from '../state/errors.js';
import type { ClientError } from '../transport/index.js';
import { ImportWarningsDialog } from './ImportWarningsDialog.js';
import { nameTaken } from './name-taken.js';
import { useFocusInvalid } from './use-focus-invalid.js';
import { useDialogRequest } from '../state/use-dialog-request.js';
import { WorkingStatus } from './WorkingStatus.js';

type Imported = RequestResults['vm.import'];

interface ImportDialogProps {
  takenNames: readonly string[];
  /** The machine is in the library (with what did not come over, shown here until the person closes it). */
  onImported: (result: Imported) => void;
  onClose: () => void;
}

/** Import Virtual Machine: a .vmc file or a Kaso VM folder, and a name to use instead of the file's. */
export function ImportDialog({ takenNames, onImported, onClose }: ImportDialogProps) {
  const client = useClient();
  const formId = useId();
  const { working, error, setError, run } = useDialogRequest();
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const [path, setPath] = useState('');
  const [name, setName] = useState('');
  const [imported, setImported] = useState<Imported | null>(null);

  if (imported) return <ImportWarningsDialog name={imported.vm.name} warnings={imported.warnings} onClose={onClose} />;

  const edited = (set: (v: string) => void) => (v: string) => {
    set(v);
    setError(null);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (working) return;
    const problem = checkPath(path) ?? nameTaken(name, takenNames);
    if (problem) return setError(problem);
    const checked = check(requestSchemas['vm.import'], { path: path.trim(), ...(name.trim() ? { name } : {}) });
    if (!checked.ok) return setError(checked.error);
    void run(
      () => client.request('vm.import', checked.value),
      (result) => {
        onImported(result);
        if (result.warnings.length > 0) setImported(result);
      },
    );
  };

  const pathError = errorFor(error, 'path');
  const nameError = errorFor(error, 'name');
  const footer = (
    <>
      {error && !pathError && !nameError && <FieldError text={fieldMessage(error)} />}
      <span className="spacer" />
      <button type="button" disabled={working} onClick={onClose}>
        {t('common.cancel')}
      </button>
      <button type="submit" form={formId} className="primary" disabled={working}>
        {t('import.confirm')}
      </button>
    </>
  );
  // An import only reads the file and registers the machine: quick, so it is waited for here.
  return (
    <Modal title={t('import.title')} onCancel={() => !working && onClose()} footer={footer} className="transfer-dialog">
      <form ref={form} id={formId} onSubmit={submit} noValidate aria-busy={working}>
        <p className="page-intro">{t('import.intro')}</p>
        <PathField
          label={t('import.path')}
          value={path}
          filter="vm"
          pick="any"
          chooserTitle={t('files.title.import')}
          hint={t('import.pathHint')}
          error={pathError}
          disabled={working}
          onChange={edited(setPath)}
        />
        <Field label={t('field.name')} error={nameError} hint={t('import.nameHint')}>
          {(control) => <input {...control} type="text" value={name} maxLength={64} readOnly={working} spellCheck={false} onChange={(e) => edited(setName)(e.target.value)} />}
        </Field>
        {working && <WorkingStatus text={t('import.working')} />}
      </form>
    </Modal>
  );
}

function checkPath(path: string): ClientError | null {
  if (!path.trim()) return { code: 'INVALID_INPUT', message: t('import.pathRequired'), field: 'path' };
  if (!isAbsolute(path.trim())) return { code: 'INVALID_INPUT', message: t('transfer.absolute'), field: 'path' };
  return null;
}
