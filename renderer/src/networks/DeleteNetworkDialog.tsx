import type { NetworkInfo } from '../../../main/api/networks.js';
import { FieldError } from '../components/Field.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { useClient } from '../state/client-context.js';
import { fieldMessage } from '../state/errors.js';
import { useDialogRequest } from '../state/use-dialog-request.js';

interface DeleteNetworkDialogProps {
  info: NetworkInfo;
  onDone: (result: { name: string; disconnected: string[] }) => void;
  onCancel: () => void;
}

/** Says which adapters lose their cable (running VMs at once) and which file goes; the VMs keep their adapters. */
export function DeleteNetworkDialog({ info, onDone, onCancel }: DeleteNetworkDialogProps) {
  const client = useClient();
  const { working, error, run } = useDialogRequest();
  const name = info.settings.name;
  const ports = [...info.ports].sort((a, b) => a.vmName.localeCompare(b.vmName) || a.index - b.index);

  const footer = (
    <>
      {error && <FieldError text={fieldMessage(error)} />}
      <span className="spacer" />
      <button type="button" onClick={onCancel} data-autofocus>
        {t('common.cancel')}
      </button>
      <button type="button" className="danger" disabled={working} onClick={() => void run(() => client.request('net.delete', { name }), onDone)}>
        {t('net.delete.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('net.delete.title')} onCancel={onCancel} footer={footer} className="delete-dialog">
      <p>{t('net.delete.intro', { name })}</p>
      {ports.length === 0 ? (
        <p>{t('net.delete.noNics')}</p>
      ) : (
        <div className="file-group">
          <h3>{t('net.delete.nics')}</h3>
          <ul className="plain">
            {ports.map((p) => (
              <li key={p.portId}>
                {t('net.delete.nic', { vm: p.vmName, n: p.index + 1 })} <span className="path muted">{p.mac}</span>
                {p.linked && <strong> {t('net.delete.nowRunning')}</strong>}
              </li>
            ))}
          </ul>
          <p className="muted small">{t('net.delete.keep')}</p>
        </div>
      )}
      <div className="file-group">
        <h3>{t('net.delete.file')}</h3>
        <ul className="plain">
          <li className="path">{info.file}</li>
        </ul>
      </div>
      {info.capture && <p className="muted small">{t('net.delete.capture', { file: info.capture })}</p>}
    </Modal>
  );
}
