import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { ContextMenu, type MenuItem } from './ContextMenu.js';
import { VmListItem } from './VmListItem.js';

interface VmListProps {
  vms: VmSummary[];
  selectedId: string | null;
  onSelect: (id: string) => void;
  /** Double-click or Enter: connect to a running VM, start one that is off. */
  onOpen: (vm: VmSummary) => void;
  /** Delete key. */
  onDelete: (vm: VmSummary) => void;
  menuItems: (vm: VmSummary) => MenuItem[];
}

/** The machines, as a list box: arrows move, Enter opens, the context menu key (or Shift+F10) shows actions. */
export function VmList({ vms, selectedId, onSelect, onOpen, onDelete, menuItems }: VmListProps) {
  const list = useRef<HTMLUListElement>(null);
  const [menu, setMenu] = useState<{ vm: VmSummary; x: number; y: number } | null>(null);
  const index = vms.findIndex((v) => v.id === selectedId);
  const selected = vms[index];

  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  const openMenu = (vm: VmSummary, x: number, y: number) => {
    onSelect(vm.id);
    setMenu({ vm, x, y });
  };
  const closeMenu = () => {
    setMenu(null);
    list.current?.focus();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const go = (i: number) => vms[i] && onSelect(vms[i].id);
    if (e.key === 'ArrowDown') go(Math.min(vms.length - 1, index + 1));
    else if (e.key === 'ArrowUp') go(Math.max(0, index - 1));
    else if (e.key === 'Home') go(0);
    else if (e.key === 'End') go(vms.length - 1);
    else if (e.key === 'Enter' && selected) onOpen(selected);
    else if (e.key === 'Delete' && selected) onDelete(selected);
    else if ((e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) && selected) {
      const row = list.current?.querySelector('[aria-selected="true"]')?.getBoundingClientRect();
      openMenu(selected, row ? row.left + 24 : 40, row ? row.bottom : 40);
    } else return;
    e.preventDefault();
  };

  return (
    <>
      <ul
        ref={list}
        className="vm-list"
        role="listbox"
        aria-label={t('list.label')}
        tabIndex={0}
        aria-activedescendant={selected ? `vm-${selected.id}` : undefined}
        onKeyDown={onKeyDown}
      >
        {vms.map((vm) => (
          <VmListItem
            key={vm.id}
            vm={vm}
            selected={vm.id === selectedId}
            onClick={() => onSelect(vm.id)}
            onDoubleClick={() => onOpen(vm)}
            onContextMenu={(e: MouseEvent) => {
              e.preventDefault();
              openMenu(vm, e.clientX, e.clientY);
            }}
          />
        ))}
      </ul>
      {menu && <ContextMenu x={menu.x} y={menu.y} label={t('list.menu', { name: menu.vm.name })} items={menuItems(menu.vm)} onClose={closeMenu} />}
    </>
  );
}
