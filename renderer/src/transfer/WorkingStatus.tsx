import { useEffect, useRef, type ReactNode } from 'react';
import { t } from '../i18n/index.js';

/**
 * "Copying the disks…" while a request runs: a bar of how far it is once the host says (`percent`), else
 * one that only says it is working. `note` adds what the person may do meanwhile, `action` a button (Cancel
 * Clone). The confirm button waits meanwhile, which drops the focus out of the dialog: it goes to the first
 * button still usable (Close; never the action, which a stray Enter must not press), else the dialog itself,
 * so that Escape and Tab still work there.
 */
export function WorkingStatus({ text, note, percent, action }: { text: string; note?: string; percent?: number | null; action?: ReactNode }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const dialog = box.current?.closest<HTMLElement>('[role=dialog]');
    const at = document.activeElement as HTMLElement | null;
    if (!dialog || (at && dialog.contains(at) && !at.matches(':disabled'))) return;
    (dialog.querySelector<HTMLElement>('button:not(:disabled):not([data-no-autofocus])') ?? dialog).focus();
  }, []);
  const known = percent !== undefined && percent !== null;
  return (
    <div ref={box} className="transfer-working">
      {known ? <progress aria-label={text} max={100} value={percent} /> : <progress aria-label={text} />}
      <span role="status">
        {text}
        {known && <span className="transfer-percent" aria-hidden="true"> {t('transfer.percent', { percent })}</span>}
        {note && <span className="muted small block">{note}</span>}
      </span>
      {action}
    </div>
  );
}
