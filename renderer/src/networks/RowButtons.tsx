import { t } from '../i18n/index.js';

/** Up, down and remove for a row of an editable table; `move` left out for rows whose order does not matter. */
export function RowButtons({ what, at, count, move, remove }: { what: string; at: number; count: number; move?: (by: -1 | 1) => void; remove: () => void }) {
  return (
    <span className="row-buttons">
      {move && (
        <>
          <button type="button" disabled={at === 0} aria-label={t('net.moveUp', { what })} title={t('net.moveUp', { what })} onClick={() => move(-1)}>
            ↑
          </button>
          <button type="button" disabled={at === count - 1} aria-label={t('net.moveDown', { what })} title={t('net.moveDown', { what })} onClick={() => move(1)}>
            ↓
          </button>
        </>
      )}
      <button type="button" aria-label={t('net.remove', { what })} title={t('net.remove', { what })} onClick={remove}>
        ×
      </button>
    </span>
  );
}
