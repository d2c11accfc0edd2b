import { useState } from 'react';
import type { VmDetails } from '../../../main/api/requests.js';
import { IDE_SLOTS } from '../../../main/api/vm-settings.js';
import { isInside, resolveIn } from '../files/paths.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { sentence } from '../state/errors.js';
import { toClientError } from '../transport/index.js';
import { FieldError } from './Field.js';
import { Modal } from './Modal.js';

interface DeleteDialogProps {
  vm: VmDetails;
  onDone: (result: { deletedFiles: string[]; keptFiles: string[] }) => void;
  onCancel: () => void;
}

/** Says exactly which files go and which stay; disks are kept unless the person asks otherwise. */
export function DeleteDialog({ vm, onDone, onCancel }: DeleteDialogProps) {
  const client = useClient();
  const [deleteDisks, setDeleteDisks] = useState(false);
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const disks = IDE_SLOTS.flatMap((slot) => {
    const d = vm.settings.ide[slot];
    return d?.kind === 'disk' ? [resolveIn(vm.folder, d.path)] : [];
  });
  const inFolder = disks.filter((d) => isInside(vm.folder, d));
  const elsewhere = disks.filter((d) => !isInside(vm.folder, d));
  const statePath = vm.configFile.replace(/\.kaso\.json$/, '.kaso-state');
  const going = [vm.configFile, ...(vm.hasSavedState ? [statePath] : []), ...(deleteDisks ? inFolder : [])];
  const staying = [...(deleteDisks ? [] : inFolder), ...elsewhere];

  const confirm = async () => {
    setWorking(true);
    try {
      onDone(await client.request('vm.delete', { id: vm.id, keepDisks: !deleteDisks }));
    } catch (e) {
      setError(sentence(toClientError(e).message));
      setWorking(false);
    }
  };

  const footer = (
    <>
      <span className="spacer" />
      <button type="button" onClick={onCancel} data-autofocus>
        {t('common.cancel')}
      </button>
      <button type="button" className="danger" disabled={working} onClick={() => void confirm()}>
        {t('action.delete')}
      </button>
    </>
  );
  return (
    <Modal title={t('delete.title')} onCancel={onCancel} footer={footer} className="delete-dialog">
      <p>{t('delete.intro', { name: vm.name })}</p>
      <FileGroup title={t('delete.going')} files={going} />
      {staying.length > 0 && <FileGroup title={t('delete.staying')} files={staying} />}
      {elsewhere.length > 0 && <p className="muted small">{t('delete.elsewhere')}</p>}
      <label className="check">
        <input type="checkbox" checked={deleteDisks} onChange={(e) => setDeleteDisks(e.target.checked)} />
        {t('delete.alsoDisks')}
      </label>
      {inFolder.length === 0 && <p className="muted small">{t('delete.noDisks')}</p>}
      {error && <FieldError text={error} />}
    </Modal>
  );
}

function FileGroup({ title, files }: { title: string; files: string[] }) {
  return (
    <div className="file-group">
      <h3>{title}</h3>
      <ul className="plain">
        {files.map((f) => (
          <li key={f} className="path">
            {f}
          </li>
        ))}
      </ul>
    </div>
  );
}
