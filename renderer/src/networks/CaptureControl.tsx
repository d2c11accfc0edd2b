import { useState } from 'react';
import type { NetworkInfo } from '../../../main/api/networks.js';
import { Field, FieldError } from '../components/Field.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { fieldMessage } from '../state/errors.js';
import { toClientError, type ClientError } from '../transport/index.js';

/** Start / Stop capture: every frame of the network into a .pcap file (Wireshark reads it), at once, no Apply. */
export function CaptureControl({ info, onInfo }: { info: NetworkInfo; onInfo: (info: NetworkInfo) => void }) {
  const client = useClient();
  const [file, setFile] = useState('');
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const capturing = info.capture !== null;

  const toggle = async () => {
    setWorking(true);
    setError(null);
    try {
      const name = info.settings.name;
      onInfo(await client.request('net.capture', capturing ? { name, on: false } : { name, on: true, ...(file.trim() ? { file: file.trim() } : {}) }));
    } catch (e) {
      setError(toClientError(e));
    } finally {
      setWorking(false);
    }
  };

  return (
    <div className="net-capture">
      {capturing ? (
        <p className="capture-on" role="status">
          <span className="capture-dot" aria-hidden="true" /> {t('net.capture.on')} <span className="path">{info.capture}</span>
        </p>
      ) : (
        <Field label={t('net.capture.file')} hint={t('net.capture.fileHint')}>
          {(c) => <input {...c} className="mono" value={file} spellCheck={false} placeholder={t('net.capture.default')} onChange={(e) => setFile(e.target.value)} />}
        </Field>
      )}
      <button type="button" disabled={working} onClick={() => void toggle()}>
        {t(capturing ? 'net.capture.stop' : 'net.capture.start')}
      </button>
      {error && <FieldError text={fieldMessage(error)} />}
    </div>
  );
}
