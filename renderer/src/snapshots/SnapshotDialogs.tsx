import type { SnapshotInfo, SnapshotTree } from '../../../main/api/snapshots.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { DeleteSnapshotDialog } from './DeleteSnapshotDialog.js';
import { RenameSnapshotDialog } from './RenameSnapshotDialog.js';
import { RevertSnapshotDialog } from './RevertSnapshotDialog.js';
import { canDoSnapshot } from './snapshot-actions.js';
import { TakeSnapshotDialog } from './TakeSnapshotDialog.js';

export type SnapshotDialog = { kind: 'take' } | { kind: 'revert' | 'delete' | 'rename'; snapshotId: string } | null;

interface SnapshotDialogsProps {
  vm: VmSummary;
  tree: SnapshotTree;
  dialog: SnapshotDialog;
  onClose: () => void;
  onTaken: (snapshot: SnapshotInfo) => void;
  onReverted: (tree: SnapshotTree, to: SnapshotInfo) => void;
  onDeleted: (tree: SnapshotTree, deleted: SnapshotInfo) => void;
  onRenamed: (snapshot: SnapshotInfo) => void;
}

/**
 * The open snapshot dialog, if any. Its snapshot is looked up in the tree as it is now, so one deleted
 * meanwhile (from another window, or the CLI) closes the dialog instead of acting on what is gone.
 */
export function SnapshotDialogs({ vm, tree, dialog, onClose, onTaken, onReverted, onDeleted, onRenamed }: SnapshotDialogsProps) {
  if (!dialog) return null;
  if (dialog.kind === 'take') return <TakeSnapshotDialog vm={vm} allowed={canDoSnapshot('take', vm.state)} onDone={onTaken} onCancel={onClose} />;
  const snapshot = tree.snapshots.find((s) => s.id === dialog.snapshotId);
  if (!snapshot) return null;
  switch (dialog.kind) {
    case 'revert': {
      const current = tree.snapshots.find((s) => s.id === tree.current);
      return (
        <RevertSnapshotDialog
          vm={vm}
          snapshot={snapshot}
          currentName={current?.name ?? null}
          allowed={canDoSnapshot('revert', vm.state)}
          onDone={(t) => onReverted(t, snapshot)}
          onCancel={onClose}
        />
      );
    }
    case 'delete':
      return <DeleteSnapshotDialog vmId={vm.id} snapshot={snapshot} allowed={canDoSnapshot('delete', vm.state)} onDone={(t) => onDeleted(t, snapshot)} onCancel={onClose} />;
    case 'rename':
      return <RenameSnapshotDialog vmId={vm.id} snapshot={snapshot} allowed={canDoSnapshot('rename', vm.state)} onDone={onRenamed} onCancel={onClose} />;
  }
}
