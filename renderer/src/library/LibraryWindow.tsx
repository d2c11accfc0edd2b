import type { VmSummary } from '../../../main/api/vm-state.js';
import { useState } from 'react';
import { DeleteDialog } from '../components/DeleteDialog.js';
import { EmptyLibrary } from '../components/EmptyLibrary.js';
import { HostWarnings } from '../components/HostWarnings.js';
import { Toolbar } from '../components/Toolbar.js';
import { VmList } from '../components/VmList.js';
import { VmSummaryPanel } from '../components/VmSummaryPanel.js';
import { t } from '../i18n/index.js';
import { NetworksDialog } from '../networks/NetworksDialog.js';
import { canRewire } from '../networks/nic-draft.js';
import { SettingsDialog } from '../settings/SettingsDialog.js';
import { isPowerAction, type VmAction } from '../state/actions.js';
import { useHostInfo } from '../state/host-info.js';
import type { LibraryState } from '../state/library.js';
import { NoticeArea, useNotices } from '../state/notices.js';
import { openConsoleView } from '../state/route.js';
import { useVmActions } from '../state/vm-actions.js';
import { useVmDetails } from '../state/vm-details.js';
import { TransferDialogs, type TransferKind } from '../transfer/TransferDialogs.js';
import { useCopying } from '../transfer/use-copying.js';
import { useUndo } from '../undo/undo-context.js';
import { NewVmWizard } from '../wizard/NewVmWizard.js';
import { useMenuItems } from './menu-items.js';
import { useSelection } from './selection.js';

type Dialog = { kind: 'new' } | { kind: 'settings' } | { kind: 'delete' } | { kind: 'networks' } | { kind: TransferKind } | null;

/** The main window ("Kaso Console"): toolbar, the machines on the left, the selected one on the right. */
export function LibraryWindow({ library }: { library: LibraryState }) {
  const host = useHostInfo();
  const actions = useVmActions();
  const { push } = useNotices();
  const [selectedId, select] = useSelection(library.vms);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [revision, setRevision] = useState(0);
  const vm = library.vms.find((v) => v.id === selectedId);
  const undo = useUndo();
  const details = useVmDetails(vm, revision + undo.revision);
  const copying = useCopying();
  // While this window copies a VM's disks (a full clone, an export), the VM waits: no start, edit or delete.
  // Settings also open while a VM runs: its adapters' cables can still be moved (the rest is shown read-only).
  const enabled = (target: VmSummary | undefined, action: VmAction) =>
    (actions.enabled(target, action) || (action === 'settings' && !!target && !actions.busy[target.id] && canRewire(target.state))) && !(target && copying.blocks(target.id, action));

  const act = (action: VmAction, target = vm) => {
    if (!target) return;
    if (isPowerAction(action)) void actions.run(target, action);
    else {
      select(target.id);
      setDialog({ kind: action });
    }
  };
  const open = (target = vm) => {
    if (!target) return;
    if (enabled(target, 'start')) void actions.run(target, 'start').then((ok) => ok && openConsoleView(target.id));
    else if (target.state !== 'off') openConsoleView(target.id);
  };
  const openNetworks = () => setDialog({ kind: 'networks' });
  const menuItems = useMenuItems(enabled, act, open, openNetworks);
  /** Closes the dialog that was open when `from` rendered, not one opened since (a copy can outlive its dialog). */
  const closeDialog = (from: Dialog) => setDialog((d) => (d === from ? null : d));

  return (
    <div className="window library-window">
      <header className="app-header">
        <h1 className="app-title">{t('app.title')}</h1>
        <Toolbar vm={vm} enabled={enabled} onNew={() => setDialog({ kind: 'new' })} onImport={() => setDialog({ kind: 'import' })} onNetworks={openNetworks} onAction={(a) => act(a)} />
      </header>
      <HostWarnings host={host} connected={library.connected} />
      {library.loaded && library.vms.length === 0 ? (
        library.error ? <div className="load-error" role="alert">{library.error.message}</div> : <EmptyLibrary onNew={() => setDialog({ kind: 'new' })} />
      ) : (
        <main className="library">
          <VmList vms={library.vms} selectedId={selectedId} onSelect={select} onOpen={open} onDelete={(v) => enabled(v, 'delete') && act('delete', v)} menuItems={menuItems} />
          {vm ? (
            <VmSummaryPanel
              vm={vm}
              details={details}
              busy={!!actions.busy[vm.id] || !!undo.job(vm.id)?.working || copying.isCopying(vm.id)}
              onStart={() => act('start')}
              onResume={() => act('resume')}
              onConnect={() => openConsoleView(vm.id)}
            />
          ) : (
            <section className="summary summary-none muted">{library.loaded ? t('summary.noneSelected') : t('common.loading')}</section>
          )}
        </main>
      )}
      <NoticeArea />
      {dialog?.kind === 'new' && (
        <NewVmWizard
          host={host}
          takenNames={library.vms.map((v) => v.name)}
          onCancel={() => setDialog(null)}
          onCreated={(created) => {
            setDialog(null);
            select(created.id);
            push('info', t('wizard.created', { name: created.name }));
          }}
        />
      )}
      {(dialog?.kind === 'clone' || dialog?.kind === 'export' || dialog?.kind === 'import') && (
        <TransferDialogs
          kind={dialog.kind}
          vm={vm}
          details={details}
          takenNames={library.vms.map((v) => v.name)}
          during={copying.during}
          onSelect={select}
          onClose={() => closeDialog(dialog)}
        />
      )}
      {dialog?.kind === 'networks' && <NetworksDialog onClose={() => closeDialog(dialog)} />}
      {dialog?.kind === 'settings' && details && (
        <SettingsDialog
          vm={details}
          live={vm}
          host={host}
          onCancel={() => setDialog(null)}
          onSaved={() => {
            setDialog(null);
            setRevision((r) => r + 1);
          }}
        />
      )}
      {dialog?.kind === 'delete' && details && (
        <DeleteDialog
          vm={details}
          onCancel={() => setDialog(null)}
          onDone={(result) => {
            setDialog(null);
            push('info', result.keptFiles.length ? t('delete.doneKept', { name: details.name, n: result.keptFiles.length }) : t('delete.done', { name: details.name }));
          }}
        />
      )}
    </div>
  );
}
