import { useEffect, useMemo, useRef, useState } from 'react';
import type { SnapshotInfo, SnapshotTree } from '../../../main/api/snapshots.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { ContextMenu } from '../components/ContextMenu.js';
import { t } from '../i18n/index.js';
import { sentence } from '../state/errors.js';
import { useNotices } from '../state/notices.js';
import { NOW_ID, buildTree, flattenTree } from './buildTree.js';
import { SnapshotDialogs, type SnapshotDialog } from './SnapshotDialogs.js';
import { canDoSnapshot, type SnapshotAction } from './snapshot-actions.js';
import { snapshotMenuItems } from './snapshot-menu.js';
import { SnapshotProgress } from './SnapshotProgress.js';
import { SnapshotToolbar } from './SnapshotToolbar.js';
import { SnapshotTreeView } from './SnapshotTreeView.js';
import { useSnapshots } from './use-snapshots.js';

/**
 * A VM's snapshots, as Hyper-V Manager's Checkpoints pane: the toolbar, a merge's progress, the tree with
 * "Now", and the dialogs. Used on the library's summary and as the console's Snapshots tab.
 */
export function SnapshotPanel({ vm }: { vm: VmSummary }) {
  const { tree, error, nameOf, reload, show } = useSnapshots(vm.id);
  const { push } = useNotices();
  const panel = useRef<HTMLElement>(null);
  const refocus = useRef(false);
  const [wanted, setWanted] = useState<string>(NOW_ID);
  const [dialog, setDialog] = useState<SnapshotDialog>(null);
  const [menu, setMenu] = useState<{ id: string; x: number; y: number } | null>(null);

  const flat = useMemo(() => (tree ? flattenTree(buildTree(tree.snapshots, tree.current)) : []), [tree]);
  // The chosen node while it is in the tree; Now once it is gone (deleted, or another VM's).
  const selectedId = flat.some((f) => f.node.id === wanted) ? wanted : NOW_ID;

  // After a dialog, focus goes back where it was; if that was a node now gone, to the selected one.
  useEffect(() => {
    if (!refocus.current || dialog) return;
    refocus.current = false;
    if (!panel.current?.contains(document.activeElement)) panel.current?.querySelector<HTMLElement>('[role="treeitem"][tabindex="0"]')?.focus();
  });

  /** The snapshot an action on a node acts on: the node's own; for Revert on Now, the one Now grows from. */
  const targetOf = (action: SnapshotAction, nodeId: string): SnapshotInfo | null => {
    const id = nodeId === NOW_ID ? (action === 'revert' ? tree?.current : null) : nodeId;
    return (id && tree?.snapshots.find((s) => s.id === id)) || null;
  };
  const enabled = (action: SnapshotAction, nodeId = selectedId) =>
    !!tree && canDoSnapshot(action, vm.state) && (action === 'take' || targetOf(action, nodeId) !== null);
  const act = (action: SnapshotAction, nodeId = selectedId) => {
    if (!enabled(action, nodeId)) return;
    setWanted(nodeId);
    if (action === 'take') return setDialog({ kind: 'take' });
    setDialog({ kind: action, snapshotId: targetOf(action, nodeId)!.id });
  };
  const close = () => {
    refocus.current = true;
    setDialog(null);
  };

  return (
    <section ref={panel} className="snapshots" aria-label={t('snapshot.panel')}>
      <div className="snapshots-head">
        <h2 className="snapshots-title">{t('snapshot.panel')}</h2>
        <SnapshotToolbar enabled={(a) => enabled(a)} onAction={(a) => act(a)} />
      </div>
      {tree?.job && <SnapshotProgress vmId={vm.id} job={tree.job} name={tree.job.snapshotName} />}
      {error && (
        <div className="reason reason-error" role="alert">
          {t('snapshot.loadFailed', { message: sentence(error.message) })}
        </div>
      )}
      {tree ? (
        <>
          <SnapshotTreeView
            vm={vm}
            flat={flat}
            selectedId={selectedId}
            onSelect={setWanted}
            onOpen={(id) => act('revert', id)}
            onDelete={(id) => act('delete', id)}
            onRename={(id) => act('rename', id)}
            onMenu={(id, x, y) => {
              setWanted(id);
              setMenu({ id, x, y });
            }}
          />
          {tree.snapshots.length === 0 && <p className="muted small snapshots-empty">{t('snapshot.empty')}</p>}
        </>
      ) : (
        !error && <p className="muted small">{t('common.loading')}</p>
      )}
      {menu && (
        <ContextMenu
          x={menu.x}
          y={menu.y}
          label={t('snapshot.menu', { name: menu.id === NOW_ID ? t('snapshot.now') : (nameOf(menu.id) ?? '') })}
          items={snapshotMenuItems(menu.id, enabled, act)}
          onClose={() => {
            setMenu(null);
            panel.current?.querySelector<HTMLElement>('[role="treeitem"][tabindex="0"]')?.focus();
          }}
        />
      )}
      {tree && (
        <SnapshotDialogs
          vm={vm}
          tree={tree}
          dialog={dialog}
          onClose={close}
          onTaken={(s: SnapshotInfo) => {
            close();
            reload();
            push('info', t('snapshot.taken', { name: s.name }));
          }}
          onReverted={(next: SnapshotTree, to: SnapshotInfo) => {
            close();
            show(next);
            setWanted(NOW_ID);
            push('info', t('snapshot.reverted', { vm: vm.name, name: to.name }));
          }}
          onDeleted={(next: SnapshotTree, gone: SnapshotInfo) => {
            close();
            show(next);
            push('info', t('snapshot.deleted', { name: gone.name }));
          }}
          onRenamed={() => {
            close();
            reload();
          }}
        />
      )}
    </section>
  );
}
