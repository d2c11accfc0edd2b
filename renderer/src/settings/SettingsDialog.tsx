import { useState } from 'react';
import type { HostInfo, VmDetails } from '../../../main/api/requests.js';
import { VmSettingsSchema, type VmSettings } from '../../../main/api/vm-settings.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { canDo } from '../state/actions.js';
import { canRewire, onlyRewired } from '../networks/nic-draft.js';
import { useClient } from '../state/client-context.js';
import { errorFor, errorField, fieldMessage } from '../state/errors.js';
import { toClientError, type ClientError } from '../transport/index.js';
import { PageTabs } from './PageTabs.js';
import { SettingsPage } from './SettingsPage.js';
import { changedFields, pageOfField, type PageName } from './pages.js';

interface SettingsDialogProps {
  vm: VmDetails;
  live: VmSummary | undefined;
  host: HostInfo | null;
  onCancel: () => void;
  onSaved: (vm: VmDetails) => void;
}

/** A VM's settings, a page at a time; OK sends what changed, and a refusal is shown beside its field. */
export function SettingsDialog({ vm, live, host, onCancel, onSaved }: SettingsDialogProps) {
  const client = useClient();
  const [page, setPage] = useState<PageName>('general');
  const [draft, setDraft] = useState<VmSettings>(vm.settings);
  const [error, setError] = useState<ClientError | null>(null);
  const [working, setWorking] = useState(false);
  const state = live?.state ?? vm.state;
  const readOnly = !canDo('settings', state);
  // While the VM runs, its adapters' cables may still move to another network or be unplugged.
  const rewiring = readOnly && canRewire(state);
  const errorPage = errorField(error) ? pageOfField(errorField(error)!) : null;

  const set = (patch: Partial<VmSettings>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setError(null);
  };
  const fail = (err: ClientError) => {
    setError(err);
    const field = errorField(err);
    if (field) setPage(pageOfField(field));
  };
  const save = async () => {
    const patch = changedFields(vm.settings, draft);
    if (Object.keys(patch).length === 0) return onCancel();
    // Running: only where the cables go may change; anything else edited before it started waits.
    if (readOnly && !(rewiring && Object.keys(patch).every((k) => k === 'nics') && onlyRewired(vm.settings.nics, draft.nics)))
      return fail({ code: 'CONFLICT', message: t('settings.readOnly') });
    // The host's own rules first, so a slip is shown at once; the host still has the last word.
    const check = VmSettingsSchema.safeParse(draft);
    if (!check.success) {
      const issue = check.error.issues[0]!;
      const field = issue.path.join('.');
      return fail({ code: 'INVALID_INPUT', message: `${field}: ${issue.message}`, field });
    }
    setWorking(true);
    try {
      onSaved(await client.request('vm.update', { id: vm.id, settings: patch }));
    } catch (e) {
      setWorking(false);
      fail(toClientError(e));
    }
  };

  const footer = (
    <>
      {error && !errorField(error) && <FieldError text={fieldMessage(error)} />}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="button" className="primary" disabled={working || (readOnly && !rewiring)} onClick={() => void save()}>
        {t('common.ok')}
      </button>
    </>
  );

  return (
    <Modal title={t('settings.title', { name: vm.name })} onCancel={onCancel} footer={footer} className="settings">
      {readOnly && <div className="banner banner-info">{t(rewiring ? 'settings.readOnlyNics' : 'settings.readOnly')}</div>}
      {!readOnly && state === 'saved' && <div className="banner banner-info">{t('settings.savedWarning')}</div>}
      <div className="settings-layout">
        <PageTabs page={page} onPage={setPage} errorPage={errorPage} />
        <div className="settings-page" role="tabpanel" id={`settings-panel`} aria-labelledby={`settings-tab-${page}`}>
          <SettingsPage
            page={page}
            draft={draft}
            set={set}
            errorFor={(field) => errorFor(error, field)}
            readOnly={readOnly}
            vm={vm}
            live={live}
            host={host}
          />
        </div>
      </div>
    </Modal>
  );
}
