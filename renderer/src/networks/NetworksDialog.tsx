import { useCallback, useState } from 'react';
import type { NetworkInfo } from '../../../main/api/networks.js';
import { FieldError } from '../components/Field.js';
import { Icon } from '../components/icons.js';
import { Modal } from '../components/Modal.js';
import { t } from '../i18n/index.js';
import { fieldMessage, sentence } from '../state/errors.js';
import { useNotices } from '../state/notices.js';
import { DeleteNetworkDialog } from './DeleteNetworkDialog.js';
import { DiscardChangesDialog } from './DiscardChangesDialog.js';
import { NetworkEditor } from './NetworkEditor.js';
import { NetworkList } from './NetworkList.js';
import { NewNetworkDialog } from './NewNetworkDialog.js';
import { tabOfField, type NetworkTab } from './tabs.js';
import { useNetworkEdits } from './use-network-edits.js';
import { useNetworks } from './use-networks.js';

type Sub = { kind: 'new' } | { kind: 'delete'; info: NetworkInfo } | { kind: 'discard' } | null;

/**
 * Virtual Networks, as Hyper-V's Virtual Switch Manager or VirtualBox's Network Manager: the networks on the
 * left, the selected one's settings, leases, firewall, forwards and connected adapters on the right.
 */
export function NetworksDialog({ onClose }: { onClose: () => void }) {
  const nets = useNetworks();
  const { push } = useNotices();
  const [wanted, setWanted] = useState<string | null>(null);
  const [tab, setTab] = useState<NetworkTab>('general');
  const [sub, setSub] = useState<Sub>(null);
  const edits = useNetworkEdits(nets.put, useCallback((field: string) => setTab(tabOfField(field)), []));
  // The chosen network while it exists; else the first (deleted, or none chosen yet).
  const info = nets.networks.find((n) => n.settings.name === wanted) ?? nets.networks[0];
  const name = info?.settings.name ?? null;
  const error = name ? edits.errorOf(name) : null;

  const close = () => (edits.modifiedNames.length ? setSub({ kind: 'discard' }) : onClose());

  const created = (made: NetworkInfo) => {
    setSub(null);
    nets.put(made);
    setWanted(made.settings.name);
    push('info', t('net.created', { name: made.settings.name }));
  };

  const deleted = (result: { name: string; disconnected: string[] }) => {
    setSub(null);
    nets.drop(result.name);
    edits.discard(result.name);
    push('info', result.disconnected.length ? t('net.deletedDisconnected', { name: result.name, n: result.disconnected.length, list: result.disconnected.join(', ') }) : t('net.deleted', { name: result.name }));
  };

  const footer = (
    <>
      {error && name && !error.field && <FieldError text={fieldMessage(error)} />}
      {name && edits.modified(name) && !error && <span className="muted small">{t('net.unapplied')}</span>}
      <span className="spacer" />
      <button type="button" disabled={!name || !edits.modified(name)} onClick={() => name && edits.discard(name)}>
        {t('net.revert')}
      </button>
      <button type="button" className="primary" disabled={!name || !edits.modified(name) || edits.working === name} onClick={() => name && void edits.apply(name)}>
        {t('net.apply')}
      </button>
      <button type="button" onClick={close}>
        {t('common.close')}
      </button>
    </>
  );

  return (
    <Modal title={t('net.title')} onCancel={close} footer={footer} className="networks-dialog">
      <div className="net-layout">
        <div className="net-side">
          <div className="net-side-bar" role="toolbar" aria-label={t('net.toolbar')}>
            <button type="button" onClick={() => setSub({ kind: 'new' })}>
              <Icon name="new" size={16} /> {t('net.new')}
            </button>
            <button type="button" disabled={!info} onClick={() => info && setSub({ kind: 'delete', info })}>
              <Icon name="delete" size={16} /> {t('net.delete')}
            </button>
          </div>
          <NetworkList networks={nets.networks} selected={name} modified={edits.modified} onSelect={setWanted} />
        </div>
        {info ? (
          <NetworkEditor info={info} draft={edits.draftOf(info)} set={(p) => edits.set(info, p)} error={error} tab={tab} onTab={setTab} onInfo={nets.put} />
        ) : (
          <NoNetworks loaded={nets.loaded} error={nets.error ? sentence(nets.error.message) : null} onNew={() => setSub({ kind: 'new' })} />
        )}
      </div>
      {sub?.kind === 'new' && <NewNetworkDialog takenNames={nets.networks.map((n) => n.settings.name)} onCreated={created} onCancel={() => setSub(null)} />}
      {sub?.kind === 'delete' && <DeleteNetworkDialog info={nets.networks.find((n) => n.settings.name === sub.info.settings.name) ?? sub.info} onDone={deleted} onCancel={() => setSub(null)} />}
      {sub?.kind === 'discard' && <DiscardChangesDialog names={edits.modifiedNames} onDiscard={onClose} onCancel={() => setSub(null)} />}
    </Modal>
  );
}

function NoNetworks({ loaded, error, onNew }: { loaded: boolean; error: string | null; onNew: () => void }) {
  if (error) return <div className="net-empty load-error" role="alert">{error}</div>;
  if (!loaded) return <div className="net-empty muted">{t('common.loading')}</div>;
  return (
    <div className="net-empty">
      <h3>{t('net.empty.title')}</h3>
      <p className="muted">{t('net.empty.body')}</p>
      <button type="button" className="primary" onClick={onNew}>
        {t('net.new')}
      </button>
    </div>
  );
}
