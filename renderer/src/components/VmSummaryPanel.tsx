import type { VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { isLive } from '../state/actions.js';
import { sentence } from '../state/errors.js';
import { SnapshotPanel } from '../snapshots/SnapshotPanel.js';
import { UndoNotice } from '../undo/UndoNotice.js';
import { NextActions } from './NextActions.js';
import { StateBadge } from './StateBadge.js';
import { Thumbnail } from './Thumbnail.js';
import { VmDetailsList } from './VmDetailsList.js';

interface SummaryProps {
  vm: VmSummary;
  details: VmDetails | null;
  busy: boolean;
  onStart: () => void;
  onResume: () => void;
  onConnect: () => void;
}

/** The selected machine: its screen, state, the next sensible action, its undo disks' changes, its snapshots, and what it is made of. */
export function VmSummaryPanel({ vm, details, busy, onStart, onResume, onConnect }: SummaryProps) {
  return (
    <section className="summary" aria-label={t('summary.label', { name: vm.name })}>
      <div className="summary-head">
        <div className={`summary-screen ${isLive(vm.state) ? 'clickable' : ''}`} aria-hidden="true" onClick={() => isLive(vm.state) && onConnect()}>
          <Thumbnail vm={vm} large />
        </div>
        <div className="summary-title">
          <h2>{vm.name}</h2>
          <StateBadge state={vm.state} />
          {vm.state === 'saved' && <p className="muted">{t('summary.savedHint')}</p>}
          <NextActions vm={vm} busy={busy} onStart={onStart} onResume={onResume} onConnect={onConnect} />
        </div>
      </div>
      {vm.stateReason && (
        <div className={`reason ${vm.state === 'crashed' ? 'reason-error' : ''}`} role={vm.state === 'crashed' ? 'alert' : 'status'}>
          {sentence(vm.stateReason)}
        </div>
      )}
      <UndoNotice vm={vm} details={details} />
      <SnapshotPanel key={vm.id} vm={vm} />
      <VmDetailsList vm={vm} details={details} />
    </section>
  );
}
