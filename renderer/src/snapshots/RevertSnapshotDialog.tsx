import { useState } from 'react';
import type { SnapshotInfo, SnapshotTree } from '../../../main/api/snapshots.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { isLive } from '../state/actions.js';
import { useClient } from '../state/client-context.js';
import { fieldMessage } from '../state/errors.js';
import { shortTime } from './format.js';
import { useDialogRequest } from '../state/use-dialog-request.js';

interface RevertSnapshotDialogProps {
  vm: VmSummary;
  snapshot: SnapshotInfo;
  /** The snapshot the present state grows from, to say what discarding loses. */
  currentName: string | null;
  allowed: boolean;
  onDone: (tree: SnapshotTree) => void;
  onCancel: () => void;
}

/** Revert to Snapshot: says where the machine goes and what becomes of the present state (kept as a branch unless unticked). */
export function RevertSnapshotDialog({ vm, snapshot, currentName, allowed, onDone, onCancel }: RevertSnapshotDialogProps) {
  const client = useClient();
  const [keep, setKeep] = useState(true);
  const { working, error, run } = useDialogRequest();

  const confirm = () => {
    if (working || !allowed) return;
    void run(() => client.request('snapshot.revert', { id: vm.id, snapshotId: snapshot.id, discardCurrent: !keep }), onDone);
  };

  const footer = (
    <>
      {error && <FieldError text={fieldMessage(error)} />}
      {working && <span className="muted small">{t('snapshot.revert.working')}</span>}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="button" className={keep ? 'primary' : 'danger'} disabled={working || !allowed} onClick={confirm} data-autofocus>
        {t('snapshot.revert.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('snapshot.revert.title')} onCancel={onCancel} footer={footer} className="snap-dialog">
      <p>{t('snapshot.revert.intro', { vm: vm.name, name: snapshot.name, time: shortTime(snapshot.created) })}</p>
      <p>{snapshot.hasState ? t('snapshot.revert.resumes') : t('snapshot.revert.disksOnly')}</p>
      <label className="check snap-keep">
        <input type="checkbox" checked={keep} disabled={working} onChange={(e) => setKeep(e.target.checked)} />
        {t('snapshot.revert.keep')}
      </label>
      {keep ? (
        <p className="muted small snap-indent">{t('snapshot.revert.keepHint')}</p>
      ) : (
        <p className="warning-text small snap-indent" role="status">
          {currentName ? t('snapshot.revert.discardSince', { name: currentName }) : t('snapshot.revert.discard')}
          {isLive(vm.state) && ` ${t('snapshot.revert.discardRunning')}`}
        </p>
      )}
    </Modal>
  );
}
