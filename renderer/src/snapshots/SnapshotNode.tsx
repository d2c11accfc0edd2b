import type { MouseEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { Icon } from '../components/icons.js';
import { StateBadge } from '../components/StateBadge.js';
import { t } from '../i18n/index.js';
import type { FlatNode } from './buildTree.js';
import { longTime, shortTime } from './format.js';
import { SnapshotThumbnail } from './SnapshotThumbnail.js';
import { treeItemId } from './tree-ids.js';

interface SnapshotNodeProps {
  vm: VmSummary;
  item: FlatNode;
  prefix: string;
  selected: boolean;
  onSelect: (id: string) => void;
  onOpen: (id: string) => void;
  onMenu: (id: string, x: number, y: number) => void;
}

/**
 * One node's row: the lines joining it to its parent, its thumbnail, its name, when it was taken and whether
 * it holds the machine's memory. Named by the snapshot's name alone ("Now" for the present state); the rest
 * is its description.
 */
export function SnapshotNode({ vm, item, prefix, selected, onSelect, onOpen, onMenu }: SnapshotNodeProps) {
  const { node, level, position, setSize, through } = item;
  const id = treeItemId(prefix, node.id);
  const isNow = node.kind === 'now';
  const name = isNow ? t('snapshot.now') : node.snapshot.name;
  const onContextMenu = (e: MouseEvent) => {
    e.preventDefault();
    onSelect(node.id);
    onMenu(node.id, e.clientX, e.clientY);
  };
  return (
    <li
      id={id}
      role="treeitem"
      aria-label={name}
      aria-describedby={`${id}-meta`}
      aria-selected={selected}
      aria-current={isNow ? 'true' : undefined}
      aria-level={level}
      aria-posinset={position}
      aria-setsize={setSize}
      tabIndex={selected ? 0 : -1}
      className={`snap-item ${isNow ? 'snap-now' : ''} ${selected ? 'selected' : ''}`}
      onClick={() => onSelect(node.id)}
      onDoubleClick={() => onOpen(node.id)}
      onContextMenu={onContextMenu}
    >
      {through.map((line, i) => (
        <span key={i} className={`snap-guide ${line ? 'snap-through' : ''}`} aria-hidden="true" />
      ))}
      {level > 1 && <span className={`snap-guide snap-elbow ${position === setSize ? 'snap-last' : ''}`} aria-hidden="true" />}
      <div
        className={`snap-row ${node.children.length ? 'snap-parent' : ''}`}
        title={isNow ? t('snapshot.nowTitle', { name: vm.name }) : node.snapshot.description || undefined}
      >
        {isNow ? (
          <div className="snap-thumb snap-now-mark" aria-hidden="true">
            <Icon name="now" size={18} />
          </div>
        ) : (
          <SnapshotThumbnail vmId={vm.id} snapshot={node.snapshot} />
        )}
        <div className="snap-text">
          <div className="snap-name">{name}</div>
          <div className="snap-meta" id={`${id}-meta`}>
            {isNow ? (
              <StateBadge state={vm.state} />
            ) : (
              <>
                <time dateTime={node.snapshot.created} title={longTime(node.snapshot.created)}>
                  {shortTime(node.snapshot.created)}
                </time>
                {node.snapshot.hasState && (
                  <span className="snap-badge" title={t('snapshot.withMemoryTitle')}>
                    <Icon name="memory" size={12} />
                    {t('snapshot.withMemory')}
                  </span>
                )}
                {node.snapshot.description && <span className="sr-only">{node.snapshot.description}</span>}
              </>
            )}
          </div>
        </div>
      </div>
    </li>
  );
}
