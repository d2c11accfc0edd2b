import type { ReactNode } from 'react';
import type { VmDetails } from '../../../main/api/requests.js';
import { IDE_SLOTS } from '../../../main/api/vm-settings.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { formatNumber, t } from '../i18n/index.js';
import { describeNics } from '../networks/describe-nics.js';
import { bootLabel, describeCom, describeDrive, engineLabel, presetLabel, slotLabel } from '../state/describe.js';

/** What the machine is made of, as a list of terms and values. */
export function VmDetailsList({ vm, details }: { vm: VmSummary; details: VmDetails | null }) {
  const s = details?.settings;
  const disks = s ? IDE_SLOTS.filter((slot) => s.ide[slot]) : [];
  const rows: [string, ReactNode][] = [
    [t('details.os'), presetLabel(vm.osPreset)],
    [t('details.engine'), vm.engineStatus ? t('details.engineRunning', { status: vm.engineStatus }) : engineLabel(vm.engine)],
    [t('details.memory'), t('unit.mibValue', { n: formatNumber(vm.memoryMiB) })],
  ];
  if (s) {
    rows.push([
      t('details.drives'),
      disks.length === 0 ? (
        t('drive.none')
      ) : (
        <ul className="plain">
          {disks.map((slot) => (
            <li key={slot}>
              <span className="muted">{slotLabel(slot)}:</span> <span className="path">{describeDrive(s.ide[slot])}</span>
            </li>
          ))}
        </ul>
      ),
    ]);
    const undoPending = !!details?.undoPending;
    if (s.undoDisks || undoPending) {
      const setting = t(s.undoDisks ? 'details.undoOn' : 'details.undoOff');
      rows.push([t('details.undoDisks'), undoPending ? t('details.undoPending', { setting }) : setting]);
    }
    rows.push([t('details.floppy'), s.floppy ? <span className="path">{s.floppy}</span> : t('drive.noFloppy')]);
    s.com.forEach((port, i) => rows.push([`COM${i + 1}`, describeCom(port, vm.comEndpoints[i] ?? null)]));
    rows.push([t('details.nics'), describeNics(s.nics ?? [])]);
    rows.push([t('details.boot'), s.bootOrder.map(bootLabel).join(', ')]);
    if (s.kernel) rows.push([t('details.kernel'), <span className="path">{s.kernel.kernel}</span>]);
  }
  rows.push([t('details.folder'), <span className="path">{vm.folder}</span>]);
  if (s) rows.push([t('details.notes'), s.notes ? <span className="notes">{s.notes}</span> : <span className="muted">{t('details.noNotes')}</span>]);
  return (
    <dl className="details">
      {rows.map(([term, value]) => (
        <div className="details-row" key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
