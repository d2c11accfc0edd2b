import { useState } from 'react';
import type { VmSummary } from '../../../main/api/vm-state.js';

/**
 * The selected VM: the one the person chose while it is in the library, else the first. A choice not in
 * the library yet (a VM just created, whose event is still on its way) is kept and wins when it arrives.
 */
export function useSelection(vms: VmSummary[]): [string | null, (id: string) => void] {
  const [wanted, setWanted] = useState<string | null>(null);
  const selected = vms.some((v) => v.id === wanted) ? wanted : (vms[0]?.id ?? null);
  return [selected, setWanted];
}
