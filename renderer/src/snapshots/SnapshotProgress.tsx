import type { SnapshotJob } from '../../../main/api/snapshots.js';
import { t } from '../i18n/index.js';

/** A long job (a merge after a delete) as a bar: "Merging Before update… 40%". */
export function SnapshotProgress({ job, name }: { job: SnapshotJob; name: string | null }) {
  const percent = job.total > 0 ? Math.max(0, Math.min(100, Math.floor((job.done / job.total) * 100))) : 0;
  const text = name ? t('snapshot.merging', { name, percent }) : t('snapshot.mergingUnnamed', { percent });
  return (
    <div className="snap-progress">
      <div className="snap-progress-text" aria-hidden="true">
        {text}
      </div>
      <div className="snap-progress-bar" role="progressbar" aria-label={text} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span className="snap-progress-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}
