import type { SnapshotInfo, SnapshotTree } from '../../../main/api/snapshots.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { fieldMessage } from '../state/errors.js';
import { shortTime } from './format.js';
import { useDialogRequest } from '../state/use-dialog-request.js';

interface DeleteSnapshotDialogProps {
  vmId: string;
  snapshot: SnapshotInfo;
  allowed: boolean;
  onDone: (tree: SnapshotTree) => void;
  onCancel: () => void;
}

/** Delete Snapshot: names it, and says that its changes are merged into what depends on it, so nothing else is lost. */
export function DeleteSnapshotDialog({ vmId, snapshot, allowed, onDone, onCancel }: DeleteSnapshotDialogProps) {
  const client = useClient();
  const { working, error, run } = useDialogRequest();

  const confirm = () => {
    if (working || !allowed) return;
    void run(() => client.request('snapshot.delete', { id: vmId, snapshotId: snapshot.id }), onDone);
  };

  const footer = (
    <>
      {error && <FieldError text={fieldMessage(error)} />}
      {working && <span className="muted small">{t('snapshot.delete.working')}</span>}
      <span className="spacer" />
      <button type="button" onClick={onCancel} data-autofocus>
        {t('common.cancel')}
      </button>
      <button type="button" className="danger" disabled={working || !allowed} onClick={confirm}>
        {t('snapshot.delete.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('snapshot.delete.title')} onCancel={onCancel} footer={footer} className="snap-dialog">
      <p>{t('snapshot.delete.intro', { name: snapshot.name, time: shortTime(snapshot.created) })}</p>
      <p>{t('snapshot.delete.merge')}</p>
      {snapshot.hasState && <p>{t('snapshot.delete.memory')}</p>}
      <p className="muted small">{t('snapshot.delete.slow')}</p>
    </Modal>
  );
}
