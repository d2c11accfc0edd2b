import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { t } from '../i18n/index.js';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

interface Notices {
  notices: Notice[];
  push(kind: Notice['kind'], text: string): void;
  dismiss(id: number): void;
}

const NoticeContext = createContext<Notices | null>(null);
let nextId = 1;
const INFO_LIFETIME_MS = 6000;

/** Messages for the person: errors stay until dismissed, information fades after a few seconds. */
export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const push = useCallback(
    (kind: Notice['kind'], text: string) => {
      const id = nextId++;
      setNotices((list) => [...list.filter((n) => n.text !== text).slice(-3), { id, kind, text }]);
      if (kind === 'info') setTimeout(() => dismiss(id), INFO_LIFETIME_MS);
    },
    [dismiss],
  );
  const value = useMemo(() => ({ notices, push, dismiss }), [notices, push, dismiss]);
  return <NoticeContext.Provider value={value}>{children}</NoticeContext.Provider>;
}

export function useNotices(): Notices {
  const n = useContext(NoticeContext);
  if (!n) throw new Error('useNotices outside NoticeProvider');
  return n;
}

/** The notices, shown as a stack at the bottom of the window. */
export function NoticeArea() {
  const { notices, dismiss } = useNotices();
  return (
    <div className="notices" aria-live="polite">
      {notices.map((n) => (
        <div key={n.id} className={`notice notice-${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span className="notice-text">{n.text}</span>
          <button type="button" className="notice-close" aria-label={t('common.dismiss')} onClick={() => dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
