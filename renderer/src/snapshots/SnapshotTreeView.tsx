import { useId, type KeyboardEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { moveInTree, type FlatNode } from './buildTree.js';
import { SnapshotNode } from './SnapshotNode.js';
import { treeItemId } from './tree-ids.js';

interface SnapshotTreeViewProps {
  vm: VmSummary;
  flat: readonly FlatNode[];
  selectedId: string;
  onSelect: (id: string) => void;
  /** Enter or a double-click: revert to the node. */
  onOpen: (id: string) => void;
  /** The Delete key. */
  onDelete: (id: string) => void;
  /** F2. */
  onRename: (id: string) => void;
  /** A right-click, the context menu key or Shift+F10, at this point of the window. */
  onMenu: (id: string, x: number, y: number) => void;
}

/**
 * The snapshots as a tree (role=tree, one treeitem per snapshot and one for Now): arrows move the selection
 * (and focus, one tab stop for the whole tree), Enter reverts, Delete deletes, F2 renames. The items are
 * rows in display order, their nesting given by aria-level and drawn with connecting lines, so each item's
 * box is its own row (a click anywhere on it selects that node, never a child's).
 */
export function SnapshotTreeView({ vm, flat, selectedId, onSelect, onOpen, onDelete, onRename, onMenu }: SnapshotTreeViewProps) {
  const prefix = `snap${useId().replace(/:/g, '')}`;

  const focusNode = (id: string) => document.getElementById(treeItemId(prefix, id))?.focus();
  const rowOf = (id: string) => document.getElementById(treeItemId(prefix, id))?.querySelector('.snap-row')?.getBoundingClientRect();

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const next = moveInTree(flat, selectedId, e.key);
    if (next) {
      onSelect(next);
      focusNode(next);
    } else if (e.key === 'Enter') onOpen(selectedId);
    else if (e.key === 'Delete') onDelete(selectedId);
    else if (e.key === 'F2') onRename(selectedId);
    else if (e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) {
      const r = rowOf(selectedId);
      onMenu(selectedId, r ? r.left + 24 : 40, r ? r.bottom : 40);
    } else if (!['ArrowDown', 'ArrowUp', 'ArrowLeft', 'ArrowRight', 'Home', 'End'].includes(e.key)) return;
    e.preventDefault();
    e.stopPropagation();
  };

  return (
    <ul className="snap-tree" role="tree" aria-label={t('snapshot.treeLabel', { name: vm.name })} onKeyDown={onKeyDown}>
      {flat.map((item) => (
        <SnapshotNode key={item.node.id} vm={vm} item={item} prefix={prefix} selected={item.node.id === selectedId} onSelect={onSelect} onOpen={onOpen} onMenu={onMenu} />
      ))}
    </ul>
  );
}
