import type { VmSettings } from '../../api/vm-settings.js';

/**
 * Whether a settings patch only moves NIC cables (which network each existing NIC is on): that much may
 * change while a VM runs or is saved. Adding, removing or changing an adapter needs the VM off.
 */
export function onlyCablesMove(current: VmSettings, patch: Partial<VmSettings>): boolean {
  const keys = Object.keys(patch) as (keyof VmSettings)[];
  if (keys.length === 0 || keys.some((k) => k !== 'nics' && JSON.stringify(patch[k]) !== JSON.stringify(current[k]))) return false;
  const next = patch.nics;
  if (!next || next.length !== current.nics.length) return false;
  return next.every((n, i) => n.mac === current.nics[i]!.mac && n.model === current.nics[i]!.model);
}
