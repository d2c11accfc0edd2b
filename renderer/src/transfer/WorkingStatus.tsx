import { useEffect, useRef } from 'react';

/**
 * "Copying the disks…" while a request runs: there is no progress to show, so the bar only says it is
 * working. `note` adds what the person may do meanwhile. The confirm button waits meanwhile, which drops
 * the focus out of the dialog: it goes to the first button still usable (Close), else the dialog itself,
 * so that Escape and Tab still work there.
 */
export function WorkingStatus({ text, note }: { text: string; note?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const dialog = box.current?.closest<HTMLElement>('[role=dialog]');
    const at = document.activeElement as HTMLElement | null;
    if (!dialog || (at && dialog.contains(at) && !at.matches(':disabled'))) return;
    (dialog.querySelector<HTMLElement>('button:not(:disabled)') ?? dialog).focus();
  }, []);
  return (
    <div ref={box} className="transfer-working" role="status">
      <progress aria-label={text} />
      <span>
        {text}
        {note && <span className="muted small block">{note}</span>}
      </span>
    </div>
  );
}
