import { useState } from 'react';
import type { SnapshotJob } from '../../../main/api/snapshots.js';
import { t } from '../i18n/index.js';
import { sentence } from '../state/errors.js';
import { useNotices } from '../state/notices.js';
import { jobPercent, useJob } from '../state/use-jobs.js';
import { toClientError } from '../transport/index.js';

/**
 * A long job (a merge after a delete) as a bar: "Merging Before update… 40%", and Cancel Merge, which stops
 * it: the deleted snapshot stays hidden and is merged later (at the VM's next stop, or the host's start).
 */
export function SnapshotProgress({ vmId, job, name }: { vmId: string; job: SnapshotJob; name: string | null }) {
  const percent = jobPercent(job) ?? 0;
  const text = name ? t('snapshot.merging', { name, percent }) : t('snapshot.mergingUnnamed', { percent });
  const merge = useJob(vmId, 'merge');
  const { push } = useNotices();
  const [cancelling, setCancelling] = useState(false);
  const cancel = () => {
    if (cancelling) return;
    setCancelling(true);
    merge.cancel().then(
      (stopped) => !stopped && setCancelling(false),
      (e: unknown) => {
        setCancelling(false);
        push('error', t('snapshot.cancelMergeFailed', { message: sentence(toClientError(e).message) }));
      },
    );
  };
  return (
    <div className="snap-progress">
      <div className="snap-progress-head">
        <div className="snap-progress-text" aria-hidden="true">
          {text}
        </div>
        <button type="button" className="snap-progress-cancel" title={t('snapshot.cancelMergeHint')} aria-disabled={cancelling} onClick={cancel}>
          {t('snapshot.cancelMerge')}
        </button>
      </div>
      <div className="snap-progress-bar" role="progressbar" aria-label={text} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="snap-progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
