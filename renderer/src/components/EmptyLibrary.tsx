import { t } from '../i18n/index.js';
import { Icon } from './icons.js';

/** The first screen of an empty library: what Kaso is, and the one thing to do next. */
export function EmptyLibrary({ onNew }: { onNew: () => void }) {
  return (
    <section className="empty-library" aria-label={t('empty.label')}>
      <div className="empty-art" aria-hidden="true">
        <Icon name="vm" size={72} />
      </div>
      <h2>{t('empty.title')}</h2>
      <p className="muted">{t('empty.body')}</p>
      <button type="button" className="big primary" onClick={onNew} data-autofocus>
        <Icon name="new" size={20} />
        {t('empty.new')}
      </button>
      <p className="muted small">{t('empty.hint')}</p>
    </section>
  );
}
