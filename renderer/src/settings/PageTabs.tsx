import { useRef, type KeyboardEvent } from 'react';
import { t, type MessageKey } from '../i18n/index.js';
import { PAGES, type PageName } from './pages.js';

/** The settings' page list, as vertical tabs: arrows move between pages. */
export function PageTabs({ page, onPage, errorPage }: { page: PageName; onPage: (p: PageName) => void; errorPage: PageName | null }) {
  const list = useRef<HTMLDivElement>(null);
  const onKeyDown = (e: KeyboardEvent) => {
    const at = PAGES.indexOf(page);
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: PAGES.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    const next = PAGES[(to + PAGES.length) % PAGES.length]!;
    onPage(next);
    list.current?.querySelector<HTMLElement>(`#settings-tab-${next}`)?.focus();
  };
  return (
    <div ref={list} className="page-tabs" role="tablist" aria-orientation="vertical" aria-label={t('settings.pages')} onKeyDown={onKeyDown}>
      {PAGES.map((p) => (
        <button
          key={p}
          id={`settings-tab-${p}`}
          type="button"
          role="tab"
          aria-selected={p === page}
          aria-controls="settings-panel"
          tabIndex={p === page ? 0 : -1}
          className={`page-tab ${p === errorPage ? 'has-error' : ''}`}
          onClick={() => onPage(p)}
        >
          {t(`settings.page.${p}` as MessageKey)}
        </button>
      ))}
    </div>
  );
}
