import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';

/** Discarding a session cannot be taken back: it is asked once more. */
export function DiscardUndoDialog({ name, onConfirm, onCancel }: { name: string; onConfirm: () => void; onCancel: () => void }) {
  const footer = (
    <>
      <span className="spacer" />
      <button type="button" onClick={onCancel} data-autofocus>
        {t('common.cancel')}
      </button>
      <button type="button" className="danger" onClick={onConfirm}>
        {t('undo.discardConfirm.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('undo.discardConfirm.title')} onCancel={onCancel} footer={footer} className="undo-dialog">
      <p>{t('undo.discardConfirm.intro', { name })}</p>
      <p className="muted small">{t('undo.discardConfirm.final')}</p>
    </Modal>
  );
}
