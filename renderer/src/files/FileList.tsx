import { useEffect, useRef, type KeyboardEvent } from 'react';
import type { FileEntry } from '../../../main/api/requests.js';
import { Icon } from '../components/icons.js';
import { formatBytes, t } from '../i18n/index.js';

interface FileListProps {
  entries: FileEntry[];
  selected: number;
  onSelect: (index: number) => void;
  /** Enter or double-click: open a folder, choose a file. */
  onActivate: (entry: FileEntry) => void;
  /** Said when there is nothing to show ("No matching files in this folder." unless told). */
  empty?: string;
}

/** A folder's entries as a keyboard-navigable list box. */
export function FileList({ entries, selected, onSelect, onActivate, empty }: FileListProps) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected]);

  const onKeyDown = (e: KeyboardEvent) => {
    const move = { ArrowDown: 1, ArrowUp: -1, PageDown: 10, PageUp: -10 }[e.key];
    if (move !== undefined) onSelect(Math.max(0, Math.min(entries.length - 1, selected + move)));
    else if (e.key === 'Home') onSelect(0);
    else if (e.key === 'End') onSelect(entries.length - 1);
    else if (e.key === 'Enter' && entries[selected]) onActivate(entries[selected]);
    else return;
    e.preventDefault();
  };

  if (entries.length === 0) return <div className="file-list file-list-empty">{empty ?? t('files.empty')}</div>;
  return (
    <ul
      ref={list}
      className="file-list"
      role="listbox"
      aria-label={t('files.listLabel')}
      tabIndex={0}
      aria-activedescendant={selected >= 0 ? `file-${selected}` : undefined}
      onKeyDown={onKeyDown}
    >
      {entries.map((entry, i) => (
        <li
          key={entry.path}
          id={`file-${i}`}
          role="option"
          aria-selected={i === selected}
          className="file-row"
          onClick={() => onSelect(i)}
          onDoubleClick={() => onActivate(entry)}
        >
          <Icon name={entry.kind === 'dir' ? 'folder' : 'file'} size={16} />
          <span className="file-name">{entry.name}</span>
          <span className="file-size">{entry.kind === 'file' ? formatBytes(entry.size) : ''}</span>
        </li>
      ))}
    </ul>
  );
}
