import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';

/** Closing the manager with changes not applied: say which networks, and let the person go back. */
export function DiscardChangesDialog({ names, onDiscard, onCancel }: { names: string[]; onDiscard: () => void; onCancel: () => void }) {
  const footer = (
    <>
      <span className="spacer" />
      <button type="button" onClick={onCancel} data-autofocus>
        {t('net.discard.keep')}
      </button>
      <button type="button" className="danger" onClick={onDiscard}>
        {t('net.discard.confirm')}
      </button>
    </>
  );
  return (
    <Modal title={t('net.discard.title')} onCancel={onCancel} footer={footer}>
      <p>{t('net.discard.intro', { names: names.join(', ') })}</p>
    </Modal>
  );
}
