import { useState } from 'react';
import type { HostInfo } from '../../../main/api/requests.js';
import { Field } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { fieldMessage } from '../state/errors.js';
import { toClientError } from '../transport/client.js';

/**
 * Which QEMU this host runs (a host preference, shown beside the QEMU engine): a path, or empty to look for
 * one. The host tries it before keeping it, so a path that is not a working QEMU is refused at the field.
 */
export function QemuPathSetting({ host }: { host: HostInfo | null }) {
  const client = useClient();
  const [path, setPath] = useState(host?.preferences.qemuPath ?? '');
  const [status, setStatus] = useState<{ error: string | null; found: string | null }>({ error: null, found: null });
  const apply = async () => {
    try {
      const info = await client.request('host.setPreferences', { qemuPath: path.trim() === '' ? null : path.trim() });
      setStatus({ error: null, found: info.engines.find((e) => e.name === 'qemu')?.description ?? null });
    } catch (e) {
      setStatus({ error: fieldMessage(toClientError(e)), found: null });
    }
  };
  return (
    <Field label={t('settings.engine.qemuPath')} error={status.error} hint={status.found ?? t('settings.engine.qemuPathHint')}>
      {(c) => (
        <span className="inline-field">
          <input {...c} value={path} placeholder="qemu-system-x86_64" onChange={(e) => setPath(e.target.value)} />
          <button type="button" onClick={() => void apply()}>
            {t('settings.engine.qemuPathApply')}
          </button>
        </span>
      )}
    </Field>
  );
}
