import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { requestSchemas, type VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { Field, FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t, type MessageKey } from '../i18n/index.js';
import { check } from '../snapshots/check.js';
import { useClient } from '../state/client-context.js';
import { errorFor, fieldMessage, sentence } from '../state/errors.js';
import { useNotices } from '../state/notices.js';
import { jobPercent, useJob } from '../state/use-jobs.js';
import { toClientError } from '../transport/index.js';
import { cloneBlocks, defaultCloneMode, hasHardDisk, suggestCloneName, type CloneBlock, type CloneMode } from './clone-options.js';
import { CloneTypeChoice } from './CloneTypeChoice.js';
import { nameTaken } from './name-taken.js';
import type { Copying } from './use-copying.js';
import { useFocusInvalid } from './use-focus-invalid.js';
import { useDialogRequest } from '../state/use-dialog-request.js';
import { WorkingStatus } from './WorkingStatus.js';

interface CloneDialogProps {
  /** The source as it is now (its state can change while the dialog is open). */
  vm: VmSummary;
  /** Its settings, once fetched: a linked clone needs a hard disk. */
  details: VmDetails | null;
  takenNames: readonly string[];
  during: Copying['during'];
  onDone: (clone: VmDetails, mode: CloneMode) => void;
  onCancel: () => void;
}

/** Clone Virtual Machine: a name ("<name> Clone") and the kind of clone, each kind offered as the state allows. */
export function CloneDialog({ vm, details, takenNames, during, onDone, onCancel }: CloneDialogProps) {
  const client = useClient();
  const formId = useId();
  const nameRef = useRef<HTMLInputElement>(null);
  const { working, error, setError, run, isOpen } = useDialogRequest();
  const { push } = useNotices();
  const copy = useJob(vm.id, 'clone');
  /** Cancel Clone was pressed and the host stopped the copy: its error is then the expected end, not a failure. */
  const [cancelling, setCancelling] = useState(false);
  const cancelAccepted = useRef(false);
  const [cancelled, setCancelled] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFocusInvalid(form, error);
  const [name, setName] = useState(() =>
    suggestCloneName(vm.name, takenNames, (source, n) => (n === 1 ? t('clone.defaultName', { name: source }) : t('clone.defaultNameN', { name: source, n }))),
  );
  const blocks = cloneBlocks(vm.state, details ? hasHardDisk(details.settings) : null);
  const [mode, setMode] = useState<CloneMode>(() => defaultCloneMode(blocks));
  const reasons = { linked: reasonFor(blocks.linked, vm, 'clone.busy'), full: reasonFor(blocks.full, vm, 'transfer.notNow') };

  useEffect(() => {
    nameRef.current?.select();
  }, []);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (working || blocks[mode]) return;
    const taken = nameTaken(name, takenNames);
    if (taken) return setError(taken);
    const checked = check(requestSchemas['vm.clone'], { id: vm.id, name, mode });
    if (!checked.ok) return setError(checked.error);
    cancelAccepted.current = false;
    setCancelling(false);
    setCancelled(false);
    const request = async (): Promise<VmDetails | null> => {
      try {
        return await client.request('vm.clone', checked.value);
      } catch (e) {
        if (!wasCancelled(e, cancelAccepted.current)) throw e;
        // Cancelled: a calm word, in the dialog if it is still open, else as a passing notice.
        if (isOpen()) setCancelled(true);
        else push('info', t('clone.cancelled'));
        return null;
      }
    };
    // A full clone reads the disks for as long as they are big: the source waits (no start, no edit).
    void run(() => (mode === 'full' ? during(vm.id, request) : request()), (clone) => clone && onDone(clone, mode));
  };

  const cancelCopy = () => {
    if (cancelling) return;
    setCancelling(true);
    copy.cancel().then(
      (stopped) => {
        cancelAccepted.current = stopped;
        if (!stopped) setCancelling(false); // already over: its answer comes as usual
      },
      (e: unknown) => {
        setCancelling(false);
        push('error', t('clone.cancelFailed', { message: sentence(toClientError(e).message) }));
      },
    );
  };

  const nameError = errorFor(error, 'name');
  const footer = (
    <>
      {error && !nameError && <FieldError text={fieldMessage(error)} />}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {working ? t('common.close') : t('common.cancel')}
      </button>
      <button type="submit" form={formId} className="primary" disabled={working || !!blocks[mode]}>
        {t('clone.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('clone.title')} onCancel={onCancel} footer={footer} className="transfer-dialog">
      <form ref={form} id={formId} onSubmit={submit} noValidate aria-busy={working}>
        <p className="page-intro">{t('clone.intro', { name: vm.name })}</p>
        <Field label={t('field.name')} error={nameError}>
          {(control) => (
            <input
              {...control}
              ref={nameRef}
              type="text"
              value={name}
              maxLength={64}
              readOnly={working}
              spellCheck={false}
              data-autofocus
              onChange={(e) => {
                setName(e.target.value);
                setError(null);
                setCancelled(false);
              }}
            />
          )}
        </Field>
        <CloneTypeChoice
          mode={mode}
          reasons={reasons}
          readOnly={working}
          onChange={(m) => {
            setMode(m);
            setError(null);
          }}
        />
        {working && mode === 'full' && (
          <WorkingStatus
            text={cancelling ? t('clone.cancelling') : t('clone.workingFull', { name: vm.name })}
            note={cancelling ? undefined : t('transfer.background')}
            percent={jobPercent(copy.job)}
            action={
              <button type="button" className="transfer-cancel" data-no-autofocus title={t('clone.cancelHint')} aria-disabled={cancelling} onClick={cancelCopy}>
                {t('clone.cancel')}
              </button>
            }
          />
        )}
        {working && mode === 'linked' && <WorkingStatus text={t('clone.workingLinked')} />}
        {!working && cancelled && (
          <p className="reason" role="status">
            {t('clone.cancelled')}
          </p>
        )}
      </form>
    </Modal>
  );
}

/** Why a kind of clone is unavailable, in words: no hard disk, or the state ("Not while “a1” is running…"). */
function reasonFor(block: CloneBlock, vm: VmSummary, stateKey: MessageKey): string | null {
  if (block === 'noDisk') return t('clone.noDisk');
  return block === 'state' ? t(stateKey, { name: vm.name, state: t(`state.${vm.state}`).toLowerCase() }) : null;
}

/**
 * Did the clone end because Cancel Clone stopped it? The host said it stopped the job, or its answer says so
 * (it is a failure by code: the words are the one sign a second window's cancel leaves).
 */
function wasCancelled(e: unknown, stopped: boolean): boolean {
  const err = toClientError(e);
  return stopped || (err.code === 'FAILED' && /\bwas cancelled\b/.test(err.message));
}
