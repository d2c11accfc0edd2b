import { Modal } from '../components/Modal.js';
import { t, type MessageKey } from '../i18n/index.js';
import { UndoChoices } from './UndoChoices.js';
import { useUndo } from './undo-context.js';
import type { UndoAction, UndoVm } from './undo-state.js';

const CHOICES: [UndoAction, MessageKey, MessageKey][] = [
  ['commit', 'undo.commit', 'undo.prompt.commit'],
  ['discard', 'undo.discard', 'undo.prompt.discard'],
  ['keep', 'undo.keep', 'undo.prompt.keep'],
];

/** Virtual PC's question at close: the VM was turned off with changes in its undo disks. Closing it keeps them. */
export function UndoPromptDialog({ vm }: { vm: UndoVm }) {
  const { job, choose } = useUndo();
  const working = !!job(vm.id)?.working;
  return (
    <Modal title={t('undo.prompt.title')} onCancel={() => {
        if (!working) void choose(vm, 'keep');
      }} className="undo-dialog">
      <p>{t('undo.prompt.intro', { name: vm.name })}</p>
      <ul className="undo-explain">
        {CHOICES.map(([action, label, what]) => (
          <li key={action}>
            <strong>{t(label)}</strong> {t(what)}
          </li>
        ))}
      </ul>
      <UndoChoices vm={vm} focusKeep />
    </Modal>
  );
}
