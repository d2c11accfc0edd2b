import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { HostInfo, VmDetails } from '../../../main/api/requests.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t, type MessageKey } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { errorField, fieldMessage } from '../state/errors.js';
import { toClientError } from '../transport/index.js';
import { STEPS, checkStep, createRequest, initialDraft, stepOfField, type Step, type WizardDraft } from './draft.js';
import { WizardPage } from './WizardPage.js';

interface WizardProps {
  host: HostInfo | null;
  /** Names already in the library (a new VM needs its own). */
  takenNames: readonly string[];
  onCancel: () => void;
  onCreated: (vm: VmDetails) => void;
}

/** New Virtual Machine: name → operating system → memory → hard disk → CD → summary → Create. */
export function NewVmWizard({ host, takenNames, onCancel, onCreated }: WizardProps) {
  const client = useClient();
  const formId = useId();
  const [step, setStep] = useState<Step>('name');
  const [draft, setDraft] = useState<WizardDraft>(() => initialDraft());
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const at = STEPS.indexOf(step);
  const form = useRef<HTMLFormElement>(null);

  // Each step starts with its first field focused (the one before it is gone, focus with it).
  useEffect(() => {
    const el = form.current;
    if (!el || el.contains(document.activeElement)) return;
    el.querySelector<HTMLElement>('input:checked, input:not([type=radio]), select, textarea')?.focus();
  }, [step]);

  const change = (patch: Partial<WizardDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors({});
  };
  const go = (to: Step) => {
    setErrors({});
    setStep(to);
  };
  const next = () => {
    const problems = checkStep(step, draft, takenNames);
    if (Object.keys(problems).length > 0) return setErrors(problems);
    if (step !== 'summary') return go(STEPS[at + 1]!);
    void create();
  };
  const create = async () => {
    setWorking(true);
    setGeneral(null);
    try {
      onCreated(await client.request('vm.create', createRequest(draft)));
    } catch (e) {
      const err = toClientError(e);
      const field = errorField(err);
      setWorking(false);
      if (!field || stepOfField(field) === 'summary') return setGeneral(fieldMessage(err));
      setStep(stepOfField(field));
      setErrors({ [field]: fieldMessage(err) });
    }
  };
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    next();
  };

  const footer = (
    <>
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <span className="spacer" />
      <button type="button" disabled={at === 0 || working} onClick={() => go(STEPS[at - 1]!)}>
        {t('common.back')}
      </button>
      <button type="submit" form={formId} className="primary" disabled={working}>
        {step === 'summary' ? t('wizard.create') : t('common.next')}
      </button>
    </>
  );

  return (
    <Modal title={t('wizard.title')} onCancel={onCancel} footer={footer} className="wizard">
      <div className="wizard-layout">
        <ol className="wizard-steps" aria-label={t('wizard.steps')}>
          {STEPS.map((s, i) => (
            <li key={s} aria-current={s === step ? 'step' : undefined} className={i < at ? 'done' : ''}>
              {t(`wizard.step.${s}` as MessageKey)}
            </li>
          ))}
        </ol>
        <form ref={form} id={formId} className="wizard-page" onSubmit={onSubmit} noValidate>
          <WizardPage step={step} draft={draft} host={host} errors={errors} onChange={change} />
          {general && <FieldError text={general} />}
        </form>
      </div>
    </Modal>
  );
}
