import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { sentence } from '../state/errors.js';

/** After an import: what did not come over (the host's sentences), kept until the person closes it. */
export function ImportWarningsDialog({ name, warnings, onClose }: { name: string; warnings: string[]; onClose: () => void }) {
  const footer = (
    <>
      <span className="spacer" />
      <button type="button" className="primary" onClick={onClose} data-autofocus>
        {t('common.close')}
      </button>
    </>
  );
  return (
    <Modal title={t('import.title')} onCancel={onClose} footer={footer} className="transfer-dialog">
      <p className="page-intro" role="status">{t('import.warnings', { name })}</p>
      <ul className="import-warnings" aria-label={t('import.warningsLabel')}>
        {warnings.map((w, i) => (
          <li key={i}>{sentence(w)}</li>
        ))}
      </ul>
    </Modal>
  );
}
