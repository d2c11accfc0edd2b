import { PRESETS } from '../../../main/api/vm-settings.js';
import { formatNumber, t } from '../i18n/index.js';
import { engineLabel, presetLabel } from '../state/describe.js';
import type { PageProps } from './WizardPage.js';

/** What Create will make. */
export function SummaryPage({ draft }: PageProps) {
  const disk =
    draft.disk === 'new'
      ? t('wizard.summary.newDisk', { size: draft.sizeGiB, file: `${draft.name.trim()}.vhd` })
      : draft.disk === 'existing'
        ? draft.existingDisk
        : t('drive.none');
  const rows: [string, string, boolean?][] = [
    [t('field.name'), draft.name.trim()],
    [t('field.os'), presetLabel(draft.preset)],
    [t('details.engine'), engineLabel(PRESETS[draft.preset].engine)],
    [t('details.memory'), t('unit.mibValue', { n: formatNumber(draft.memoryMiB) })],
    [t('details.hardDisk'), disk, draft.disk === 'existing'],
    [t('field.cdImage'), draft.cdImage.trim() || t('drive.cdEmpty'), !!draft.cdImage.trim()],
  ];
  return (
    <dl className="details wizard-summary">
      {rows.map(([term, value, isPath]) => (
        <div className="details-row" key={term}>
          <dt>{term}</dt>
          <dd className={isPath ? 'path' : undefined}>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
