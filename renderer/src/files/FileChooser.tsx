import { useEffect, useMemo, useState } from 'react';
import type { FileEntry } from '../../../main/api/requests.js';
import { FieldError } from '../components/Field.js';
import { Icon } from '../components/icons.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { FileList } from './FileList.js';
import { FILTERS, filterLabel, type FilterName, type PickKind } from './filters.js';
import { hasExtension } from './paths.js';
import { useFolder } from './use-folder.js';

interface FileChooserProps {
  title: string;
  filter: FilterName;
  /** A file (the default), a folder, or either. */
  pick?: PickKind;
  /** The current value: the chooser opens in its folder. */
  current?: string | null;
  onChoose: (path: string) => void;
  onCancel: () => void;
}

/**
 * Browses the host's folders (files.list) for a disk, an ISO or a floppy image, a machine to import or a
 * folder; a path may be typed too. Enter or a double-click opens a folder; where folders can be chosen,
 * Choose takes the selected one, or the folder shown when nothing is selected.
 */
export function FileChooser({ title, filter, pick = 'file', current, onChoose, onCancel }: FileChooserProps) {
  const folder = useFolder();
  // What is typed and selected belongs to the folder shown: another folder starts afresh.
  const here = folder.listing?.path ?? '';
  const [typedIn, setTypedIn] = useState({ folder: '', text: '' });
  const [selectedIn, setSelectedIn] = useState({ folder: '', index: -1 });
  const typed = typedIn.folder === here ? typedIn.text : here;
  const selected = selectedIn.folder === here ? selectedIn.index : -1;
  const setTyped = (text: string) => setTypedIn({ folder: here, text });
  const setSelected = (index: number) => setSelectedIn({ folder: here, index });
  const [showAll, setShowAll] = useState(false);
  const { start } = folder;

  useEffect(() => {
    void start(current ?? undefined, pick);
  }, [start, current, pick]);
  const entries = useMemo(() => {
    const extensions = showAll ? [] : FILTERS[filter].extensions;
    return (folder.listing?.entries ?? []).filter((e) => e.kind === 'dir' || (pick !== 'folder' && hasExtension(e.name, extensions)));
  }, [folder.listing, showAll, filter, pick]);
  const chosen = entries[selected];
  const foldersToo = pick !== 'file';

  const activate = (entry: FileEntry) => (entry.kind === 'dir' ? void folder.open(entry.path) : onChoose(entry.path));
  const go = async () => {
    if (typed && typed !== folder.listing?.path) {
      const file = await folder.resolveTyped(typed, pick);
      if (file) onChoose(file);
    } else if (foldersToo) {
      const path = chosen?.path ?? folder.listing?.path;
      if (path) onChoose(path);
    } else if (chosen) activate(chosen);
  };
  const goDisabled = foldersToo ? !folder.listing : !chosen && typed === folder.listing?.path;

  const footer = (
    <>
      {pick !== 'folder' && (
        <label className="check file-show-all">
          <input type="checkbox" checked={showAll} onChange={(e) => setShowAll(e.target.checked)} />
          {t('files.showAll')}
        </label>
      )}
      <span className="spacer" />
      <button type="button" onClick={onCancel}>
        {t('common.cancel')}
      </button>
      <button type="button" className="primary" disabled={goDisabled} onClick={() => void go()}>
        {chosen?.kind === 'dir' && !foldersToo ? t('files.open') : t('files.choose')}
      </button>
    </>
  );

  return (
    <Modal title={title} onCancel={onCancel} footer={footer} className="file-chooser">
      <div className="file-bar">
        <button
          type="button"
          className="icon-button"
          aria-label={t('files.up')}
          title={t('files.up')}
          disabled={!folder.listing?.parent}
          onClick={() => folder.listing?.parent && void folder.open(folder.listing.parent)}
        >
          <Icon name="up" />
        </button>
        <input
          className="file-path"
          aria-label={t('files.path')}
          value={typed}
          spellCheck={false}
          onChange={(e) => setTyped(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), void go())}
        />
      </div>
      <div className="file-filter">{pick === 'folder' ? t('files.filter.folders') : showAll ? t('files.filter.all') : filterLabel(FILTERS[filter])}</div>
      {folder.error && <FieldError text={folder.error} />}
      <FileList entries={entries} selected={selected} onSelect={setSelected} onActivate={activate} empty={pick === 'folder' ? t('files.noFolders') : undefined} />
      {foldersToo && <p className="muted small file-pick-hint">{pick === 'folder' ? t('files.pickFolder') : t('files.pickAny')}</p>}
    </Modal>
  );
}
