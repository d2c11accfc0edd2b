import { useId, useRef, useState, type FormEvent } from 'react';
import { requestSchemas } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { PathField } from '../files/PathField.js';
import { basename } from '../files/paths.js';
import { t } from '../i18n/index.js';
import { check } from '../snapshots/check.js';
import { canDo } from '../state/actions.js';
import { useClient } from '../state/client-context.js';
import { errorFor, fieldMessage } from '../state/errors.js';
import { exportTarget } from './export-target.js';
import type { Copying } from './use-copying.js';
import { useFocusInvalid } from './use-focus-invalid.js';
import { useDialogRequest } from '../state/use-dialog-request.js';
import { WorkingStatus } from './WorkingStatus.js';

interface ExportDialogProps {
  /** The machine as it is now (its state can change while the dialog is open). */
  vm: VmSummary;
  during: Copying['during'];
  onDone: (folder: string) => void;
  onCancel: () => void;
}

/** Export Virtual Machine: the folder to copy it into, with every disk it uses, as `<folder>/<Name>/`. */
export function ExportDialog({ vm, during, onDone, onCancel }: ExportDialogProps) {
  const client = useClient();
  const formId = useId();
  const { working, error, setError, run } = useDialogRequest();
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const [folder, setFolder] = useState('');
  const allowed = canDo('export', vm.state);
  const target = exportTarget(folder, vm.folder);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (working || !allowed) return;
    if (!folder.trim()) return setError({ code: 'INVALID_INPUT', message: t('export.folderRequired'), field: 'folder' });
    if (!target) return setError({ code: 'INVALID_INPUT', message: t('transfer.absolute'), field: 'folder' });
    const checked = check(requestSchemas['vm.export'], { id: vm.id, folder: folder.trim() });
    if (!checked.ok) return setError(checked.error);
    // The disks are read for as long as they are big: the machine waits (no start, no edit, no delete).
    void run(() => during(vm.id, () => client.request('vm.export', checked.value)), (result) => onDone(result.folder));
  };

  const folderError = errorFor(error, 'folder');
  const footer = (
    <>
      {error && !folderError && <FieldError text={fieldMessage(error)} />}
      {!allowed && !working && <FieldError text={t('transfer.notNow', { name: vm.name, state: t(`state.${vm.state}`).toLowerCase() })} />}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {working ? t('common.close') : t('common.cancel')}
      </button>
      <button type="submit" form={formId} className="primary" disabled={working || !allowed}>
        {t('export.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('export.title')} onCancel={onCancel} footer={footer} className="transfer-dialog">
      <form ref={form} id={formId} onSubmit={submit} noValidate aria-busy={working}>
        <p className="page-intro">{t('export.intro', { name: vm.name })}</p>
        <PathField
          label={t('export.folder')}
          value={folder}
          filter="all"
          pick="folder"
          chooserTitle={t('files.title.exportFolder')}
          hint={target ? t('export.folderHint', { path: target }) : t('export.folderHintEmpty', { name: basename(vm.folder) })}
          error={folderError}
          disabled={working}
          onChange={(f) => {
            setFolder(f);
            setError(null);
          }}
        />
        {working && <WorkingStatus text={t('export.working', { name: vm.name })} note={t('transfer.background')} />}
      </form>
    </Modal>
  );
}
