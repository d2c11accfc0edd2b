import type { VmDetails } from '../../../main/api/requests.js';
import type { VmSummary } from '../../../main/api/vm-state.js';
import { t } from '../i18n/index.js';
import { useNotices } from '../state/notices.js';
import { CloneDialog } from './CloneDialog.js';
import { ExportDialog } from './ExportDialog.js';
import { ImportDialog } from './ImportDialog.js';
import type { Copying } from './use-copying.js';

export type TransferKind = 'clone' | 'import' | 'export';

interface TransferDialogsProps {
  kind: TransferKind;
  /** The selected VM (the one cloned or exported), live. */
  vm: VmSummary | undefined;
  details: VmDetails | null;
  takenNames: readonly string[];
  during: Copying['during'];
  /** Selects a VM in the library (a new one: when its event arrives). */
  onSelect: (id: string) => void;
  /** Closes this dialog (and no other the person may have opened since). */
  onClose: () => void;
}

/** The open one of Clone, Import and Export, and what the library does when each is done. */
export function TransferDialogs({ kind, vm, details, takenNames, during, onSelect, onClose }: TransferDialogsProps) {
  const { push } = useNotices();
  if (kind === 'import')
    return (
      <ImportDialog
        takenNames={takenNames}
        onClose={onClose}
        onImported={({ vm: imported, warnings }) => {
          onSelect(imported.id);
          if (warnings.length > 0) return; // the dialog shows them until closed
          onClose();
          push('info', t('import.done', { name: imported.name }));
        }}
      />
    );
  if (!vm) return null;
  if (kind === 'clone')
    return (
      <CloneDialog
        key={vm.id}
        vm={vm}
        details={details}
        takenNames={takenNames}
        during={during}
        onCancel={onClose}
        onDone={(clone, mode) => {
          onClose();
          onSelect(clone.id);
          push('info', t(mode === 'full' ? 'clone.doneFull' : 'clone.doneLinked', { name: clone.name, source: vm.name }));
        }}
      />
    );
  return (
    <ExportDialog
      key={vm.id}
      vm={vm}
      during={during}
      onCancel={onClose}
      onDone={(folder) => {
        onClose();
        push('info', t('export.done', { name: vm.name, folder }));
      }}
    />
  );
}
