import { useEffect, useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';

/** Open modals, bottom first: everything but the top one is inert, so keys and screen readers stay in it. */
const stack: HTMLElement[] = [];

function applyInert(): void {
  const top = stack[stack.length - 1];
  const app = document.getElementById('root');
  for (const el of [app, ...stack]) {
    if (!el) continue;
    const blocked = top !== undefined && el !== top;
    el.inert = blocked;
    if (blocked) el.setAttribute('aria-hidden', 'true');
    else el.removeAttribute('aria-hidden');
  }
}

interface ModalProps {
  title: string;
  /** Escape. */
  onCancel: () => void;
  children: ReactNode;
  footer?: ReactNode;
  className?: string;
  /** The accessible name, when it should differ from the visible title. */
  label?: string;
}

/** A modal dialog: role=dialog named by its title, focus moved in and given back, Escape cancels. */
export function Modal({ title, onCancel, children, footer, className, label }: ModalProps) {
  const [host] = useState(() => {
    const el = document.createElement('div');
    el.className = 'modal-host';
    return el;
  });
  const titleId = useId();
  const panel = useRef<HTMLDivElement>(null);
  const cancel = useRef(onCancel);
  useLayoutEffect(() => {
    cancel.current = onCancel;
  });

  useLayoutEffect(() => {
    const before = document.activeElement as HTMLElement | null;
    document.body.appendChild(host);
    stack.push(host);
    applyInert();
    return () => {
      stack.splice(stack.indexOf(host), 1);
      host.remove();
      applyInert();
      before?.focus?.();
    };
  }, [host]);

  useEffect(() => {
    const el = panel.current;
    if (!el || el.contains(document.activeElement)) return;
    const first =
      el.querySelector<HTMLElement>('[data-autofocus]') ??
      el.querySelector<HTMLElement>('input:not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])');
    (first ?? el).focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && stack[stack.length - 1] === host) {
      e.stopPropagation();
      cancel.current();
    }
  };

  return createPortal(
    <div className="modal-shade">
      <div
        ref={panel}
        className={`modal ${className ?? ''}`}
        role="dialog"
        aria-modal="true"
        {...(label ? { 'aria-label': label } : { 'aria-labelledby': titleId })}
        tabIndex={-1}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} className="modal-title">
          {title}
        </h2>
        <div className="modal-body">{children}</div>
        {footer && <div className="modal-footer">{footer}</div>}
      </div>
    </div>,
    host,
  );
}
