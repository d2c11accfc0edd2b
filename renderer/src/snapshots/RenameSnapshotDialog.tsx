import { snapshotRequestSchemas, type SnapshotInfo } from '../../../main/api/snapshots.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { check } from './check.js';
import { NameDescriptionDialog } from './NameDescriptionDialog.js';
import { useDialogRequest } from '../state/use-dialog-request.js';

interface RenameSnapshotDialogProps {
  vmId: string;
  snapshot: SnapshotInfo;
  allowed: boolean;
  onDone: (snapshot: SnapshotInfo) => void;
  onCancel: () => void;
}

/** Rename Snapshot: its name and description. */
export function RenameSnapshotDialog({ vmId, snapshot, allowed, onDone, onCancel }: RenameSnapshotDialogProps) {
  const client = useClient();
  const { working, error, setError, run } = useDialogRequest();
  const submit = (name: string, description: string) => {
    const checked = check(snapshotRequestSchemas['snapshot.rename'], { id: vmId, snapshotId: snapshot.id, name, description });
    if (!checked.ok) return setError(checked.error);
    void run(() => client.request('snapshot.rename', checked.value), onDone);
  };
  return (
    <NameDescriptionDialog
      title={t('snapshot.rename.title')}
      confirm={t('snapshot.rename.confirm')}
      initialName={snapshot.name}
      initialDescription={snapshot.description}
      allowed={allowed}
      working={working}
      error={error}
      clearError={() => setError(null)}
      onSubmit={submit}
      onCancel={onCancel}
    />
  );
}
