import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { requestSchemas, type VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { Field, FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t, type MessageKey } from '../i18n/index.js';
import { check } from '../snapshots/check.js';
import { useClient } from '../state/client-context.js';
import { errorFor, fieldMessage } from '../state/errors.js';
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
  const { working, error, setError, run } = useDialogRequest();
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
    const request = () => client.request('vm.clone', checked.value);
    // A full clone reads the disks for as long as they are big: the source waits (no start, no edit).
    void run(() => (mode === 'full' ? during(vm.id, request) : request()), (clone) => onDone(clone, mode));
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
        {working && (
          <WorkingStatus text={mode === 'full' ? t('clone.workingFull', { name: vm.name }) : t('clone.workingLinked')} note={mode === 'full' ? t('transfer.background') : undefined} />
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
