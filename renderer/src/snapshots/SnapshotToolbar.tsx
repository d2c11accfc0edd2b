import { moveInToolbar, ToolButton } from '../components/Toolbar.js';
import type { IconName } from '../components/icons.js';
import { t } from '../i18n/index.js';
import { SNAPSHOT_ACTION_LABELS, type SnapshotAction } from './snapshot-actions.js';

const ACTIONS: { action: SnapshotAction; icon: IconName }[] = [
  { action: 'take', icon: 'takeSnapshot' },
  { action: 'revert', icon: 'revert' },
  { action: 'rename', icon: 'rename' },
  { action: 'delete', icon: 'delete' },
];

/** Take Snapshot, then what can be done to the selected snapshot; each enabled as `enabled` says. */
export function SnapshotToolbar({ enabled, onAction }: { enabled: (action: SnapshotAction) => boolean; onAction: (action: SnapshotAction) => void }) {
  return (
    <div className="toolbar snap-toolbar" role="toolbar" aria-label={t('snapshot.toolbar')} onKeyDown={moveInToolbar}>
      {ACTIONS.map(({ action, icon }) => (
        <ToolButton key={action} icon={icon} label={t(SNAPSHOT_ACTION_LABELS[action])} disabled={!enabled(action)} onClick={() => onAction(action)} />
      ))}
    </div>
  );
}
