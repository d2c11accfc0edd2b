import type { Nic } from '../../../main/api/networks.js';
import { t } from '../i18n/index.js';

/** "2 (LabNet, Not connected)": how many adapters a VM has and where each cable goes, for its summary. */
export function describeNics(nics: readonly Nic[]): string {
  if (nics.length === 0) return t('details.noNics');
  return t('details.nicsValue', { n: nics.length, list: nics.map((n) => n.network ?? t('settings.nics.notConnected')).join(', ') });
}
