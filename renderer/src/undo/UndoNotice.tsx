import type { VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { canCloseUndo } from '../state/actions.js';
import { UndoChoices } from './UndoChoices.js';
import { useUndo } from './undo-context.js';

/** On the summary of a VM at rest whose undo disks hold a session's changes: what to do with them. */
export function UndoNotice({ vm, details }: { vm: VmSummary; details: VmDetails | null }) {
  const { answered, job } = useUndo();
  const pending = !!details?.undoPending && canCloseUndo(vm.state) && !answered(vm.id);
  if (!pending && !job(vm.id)?.working) return null;
  return (
    <section className="undo-notice" aria-label={t('undo.region')}>
      <h3 className="undo-notice-title">{t('undo.region')}</h3>
      <p>{t('undo.notice', { name: vm.name })}</p>
      <UndoChoices vm={vm} />
    </section>
  );
}
