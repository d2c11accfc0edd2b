import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { createPortal } from 'react-dom';

export interface MenuItem {
  label: string;
  disabled?: boolean;
  onSelect: () => void;
  /** A line above this item. */
  separated?: boolean;
}

interface ContextMenuProps {
  x: number;
  y: number;
  label: string;
  items: MenuItem[];
  onClose: () => void;
}

/** A right-click menu: arrow keys move, Enter chooses, Escape or a click elsewhere closes. */
export function ContextMenu({ x, y, label, items, onClose }: ContextMenuProps) {
  const menu = useRef<HTMLUListElement>(null);
  const [pos, setPos] = useState({ x, y });
  const [active, setActive] = useState(() => items.findIndex((i) => !i.disabled));

  useLayoutEffect(() => {
    const el = menu.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    setPos({ x: Math.max(4, Math.min(x, innerWidth - r.width - 4)), y: Math.max(4, Math.min(y, innerHeight - r.height - 4)) });
    el.focus();
  }, [x, y]);

  useEffect(() => {
    const away = (e: Event) => {
      if (!menu.current?.contains(e.target as Node)) onClose();
    };
    window.addEventListener('mousedown', away, true);
    window.addEventListener('blur', onClose);
    window.addEventListener('resize', onClose);
    return () => {
      window.removeEventListener('mousedown', away, true);
      window.removeEventListener('blur', onClose);
      window.removeEventListener('resize', onClose);
    };
  }, [onClose]);

  const step = (from: number, dir: number) => {
    for (let i = 1; i <= items.length; i++) {
      const n = (from + dir * i + items.length * 2) % items.length;
      if (!items[n]!.disabled) return n;
    }
    return from;
  };
  const choose = (item: MenuItem | undefined) => {
    if (!item || item.disabled) return;
    onClose();
    item.onSelect();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') setActive((a) => step(a, 1));
    else if (e.key === 'ArrowUp') setActive((a) => step(a, -1));
    else if (e.key === 'Home') setActive(step(-1, 1));
    else if (e.key === 'End') setActive(step(items.length, -1));
    else if (e.key === 'Enter' || e.key === ' ') choose(items[active]);
    else if (e.key === 'Escape' || e.key === 'Tab') onClose();
    else return;
    e.preventDefault();
    e.stopPropagation();
  };

  return createPortal(
    <ul
      ref={menu}
      className="context-menu"
      role="menu"
      aria-label={label}
      tabIndex={-1}
      style={{ left: pos.x, top: pos.y }}
      onKeyDown={onKeyDown}
      aria-activedescendant={active >= 0 ? `menu-item-${active}` : undefined}
      onContextMenu={(e) => e.preventDefault()}
    >
      {items.map((item, i) => (
        <li
          key={item.label}
          id={`menu-item-${i}`}
          role="menuitem"
          aria-disabled={item.disabled || undefined}
          className={`menu-item ${i === active ? 'active' : ''} ${item.separated ? 'separated' : ''}`}
          onMouseEnter={() => !item.disabled && setActive(i)}
          onClick={() => choose(item)}
        >
          {item.label}
        </li>
      ))}
    </ul>,
    document.body,
  );
}
