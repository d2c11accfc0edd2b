import { snapshotRequestSchemas, type SnapshotInfo } from '../../../main/api/snapshots.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { check } from './check.js';
import { stampNow } from './format.js';
import { NameDescriptionDialog } from './NameDescriptionDialog.js';
import { useDialogRequest } from '../state/use-dialog-request.js';

interface TakeSnapshotDialogProps {
  vm: VmSummary;
  /** The VM's state allows it now (it can change while the dialog is open). */
  allowed: boolean;
  onDone: (snapshot: SnapshotInfo) => void;
  onCancel: () => void;
}

/** Take Snapshot: a name (from the time, selected to type over) and a description. */
export function TakeSnapshotDialog({ vm, allowed, onDone, onCancel }: TakeSnapshotDialogProps) {
  const client = useClient();
  const { working, error, setError, run } = useDialogRequest();
  const withMemory = vm.state === 'running' || vm.state === 'paused';
  const submit = (name: string, description: string) => {
    const checked = check(snapshotRequestSchemas['snapshot.take'], { id: vm.id, name, ...(description ? { description } : {}) });
    if (!checked.ok) return setError(checked.error);
    void run(() => client.request('snapshot.take', checked.value), onDone);
  };
  return (
    <NameDescriptionDialog
      title={t('snapshot.take.title')}
      confirm={t('snapshot.take.confirm')}
      intro={`${t('snapshot.take.intro', { name: vm.name })} ${withMemory ? t('snapshot.take.withMemory') : t('snapshot.take.disksOnly')}`}
      workingText={t('snapshot.take.working')}
      initialName={t('snapshot.defaultName', { time: stampNow() })}
      initialDescription=""
      selectName
      allowed={allowed}
      working={working}
      error={error}
      clearError={() => setError(null)}
      onSubmit={submit}
      onCancel={onCancel}
    />
  );
}
