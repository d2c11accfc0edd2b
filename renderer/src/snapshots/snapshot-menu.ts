import type { MenuItem } from '../components/ContextMenu.js';
import { t } from '../i18n/index.js';
import { NOW_ID } from './buildTree.js';
import { SNAPSHOT_ACTION_LABELS, type SnapshotAction } from './snapshot-actions.js';

/** A node's context menu: on Now, Take Snapshot and Revert (to the snapshot it grows from); on a snapshot, Revert, Rename, Delete. */
export function snapshotMenuItems(
  nodeId: string,
  enabled: (action: SnapshotAction, nodeId: string) => boolean,
  act: (action: SnapshotAction, nodeId: string) => void,
): MenuItem[] {
  const actions: SnapshotAction[] = nodeId === NOW_ID ? ['take', 'revert'] : ['revert', 'rename', 'delete'];
  return actions.map((action) => ({
    label: t(SNAPSHOT_ACTION_LABELS[action]),
    disabled: !enabled(action, nodeId),
    separated: action === 'delete',
    onSelect: () => act(action, nodeId),
  }));
}
