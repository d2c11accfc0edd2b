import { useEffect, useRef, useState } from 'react';
import { FieldError } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { DiscardUndoDialog } from './DiscardUndoDialog.js';
import { useUndo } from './undo-context.js';
import type { UndoVm } from './undo-state.js';

/**
 * Commit Changes, Discard Changes (after a confirmation), Keep Changes: the notice's and the close prompt's
 * buttons, with a commit's or discard's progress and the host's error beside them.
 */
export function UndoChoices({ vm, focusKeep = false }: { vm: UndoVm; focusKeep?: boolean }) {
  const { job, choose } = useUndo();
  const [confirming, setConfirming] = useState(false);
  const { working, error } = job(vm.id) ?? { working: null, error: null };
  const status = working === 'commit' ? t('undo.committing') : t('undo.discarding');
  const box = useRef<HTMLDivElement>(null);
  const wasWorking = useRef(working);
  // The buttons wait while a job runs, so the focus falls out; when it fails, it comes back to them.
  useEffect(() => {
    if (wasWorking.current && !working && (!document.activeElement || document.activeElement === document.body))
      box.current?.querySelector<HTMLButtonElement>('button')?.focus();
    wasWorking.current = working;
  }, [working]);
  return (
    <div ref={box} className="undo-choices" aria-busy={!!working}>
      <div className="undo-buttons">
        <button type="button" className="primary" disabled={!!working} onClick={() => void choose(vm, 'commit')}>
          {t('undo.commit')}
        </button>
        <button type="button" disabled={!!working} onClick={() => setConfirming(true)}>
          {t('undo.discard')}
        </button>
        <button type="button" disabled={!!working} data-autofocus={focusKeep || undefined} onClick={() => void choose(vm, 'keep')}>
          {t('undo.keep')}
        </button>
      </div>
      {working && (
        <div className="undo-working" role="status">
          <progress aria-label={status} />
          <span>{status}</span>
        </div>
      )}
      {error && <FieldError text={error} />}
      {confirming && (
        <DiscardUndoDialog
          name={vm.name}
          onCancel={() => setConfirming(false)}
          onConfirm={() => {
            setConfirming(false);
            void choose(vm, 'discard');
          }}
        />
      )}
    </div>
  );
}
