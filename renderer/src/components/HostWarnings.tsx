import type { HostInfo } from '../../../main/api/requests.js';
import { t } from '../i18n/index.js';
import { sentence } from '../state/errors.js';
import { Icon } from './icons.js';

/** What keeps machines from starting on this host (no firmware), and a lost connection, said up front. */
export function HostWarnings({ host, connected }: { host: HostInfo | null; connected: boolean }) {
  return (
    <>
      {!connected && (
        <div className="banner banner-warning" role="status">
          <Icon name="warning" size={16} />
          {t('host.disconnected')}
        </div>
      )}
      {host && !host.firmware.found && (
        <div className="banner banner-error" role="alert">
          <Icon name="warning" size={16} />
          {sentence(host.firmware.description)}
        </div>
      )}
    </>
  );
}
