/** The network editor's tabs, and which one shows a field the host (or the check before it) names. */
export const NETWORK_TABS = ['general', 'dhcp', 'firewall', 'forwards', 'adapters'] as const;
export type NetworkTab = (typeof NETWORK_TABS)[number];

export function tabOfField(field: string): NetworkTab {
  const top = field.split('.')[0];
  if (top === 'dhcp') return 'dhcp';
  if (top === 'rules' || top === 'defaultIn' || top === 'defaultOut') return 'firewall';
  if (top === 'forwards') return 'forwards';
  if (top === 'capture' || top === 'file') return 'adapters';
  return 'general';
}
