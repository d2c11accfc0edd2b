import { MacSchema, randomMac, type Nic } from '../../api/networks.js';
import { V86_MAX_NICS } from '../../api/vm-settings.js';
import type { VmLibrary, VmRecord } from '../vm-library.js';
import type { NetworkLibrary } from './network-library.js';

/** A NIC as another product described it: an address (maybe none) and the name of the network it was on. */
export interface ForeignNic {
  mac: string | null;
  network: string | null;
}

/**
 * The NICs of an imported machine as Kaso's: each keeps its address unless another NIC in the library has it
 * (or it is not a usable unicast address), and its cable goes to the Kaso network of the same name, if any.
 * Whatever does not come over is said, one sentence each.
 */
export function importedNics(foreign: ForeignNic[], networks: NetworkLibrary, owner: (mac: string) => string | null): { nics: Nic[]; warnings: string[] } {
  const warnings: string[] = [];
  if (foreign.length > V86_MAX_NICS)
    warnings.push(`The machine had ${foreign.length} network adapters; the embedded engine has ${V86_MAX_NICS}, so adapters ${V86_MAX_NICS + 1} to ${foreign.length} were left out.`);
  const taken = new Set<string>();
  const nics = foreign.slice(0, V86_MAX_NICS).map((f, i): Nic => {
    const parsed = f.mac ? MacSchema.safeParse(f.mac) : null;
    let mac = parsed?.success ? parsed.data : null;
    const holder = mac ? owner(mac) : null;
    if (f.mac && !mac) warnings.push(`Adapter ${i + 1}'s address ${f.mac} is not a usable NIC address; it got a new one.`);
    if (mac && (holder || taken.has(mac))) {
      warnings.push(`Adapter ${i + 1}'s address ${mac} is already ${holder ? `the address of a NIC of "${holder}"` : 'used by another adapter'}; it got a new one.`);
      mac = null;
    }
    mac ??= uniqueMac((m) => owner(m) !== null || taken.has(m));
    taken.add(mac);
    const network = f.network ? networks.find(f.network)?.name ?? null : null;
    if (f.network && !network)
      warnings.push(`Adapter ${i + 1} was on "${f.network}", which has no Kaso network of that name: it is not connected (create one with kaso net create, then connect it in the VM's settings).`);
    return { model: 'ne2k', mac, network };
  });
  return { nics, warnings };
}

/** Gives the NICs of an adopted Kaso VM (a copy, an export brought back) new addresses where others have them. */
export async function unclashMacs(library: VmLibrary, record: VmRecord): Promise<{ record: VmRecord; warnings: string[] }> {
  const others = (mac: string) => library.nicOwner(mac, record.id)?.file.settings.name ?? null;
  const warnings: string[] = [];
  const nics = record.file.settings.nics.map((n, i) => {
    const holder = others(n.mac);
    if (!holder) return n;
    const mac = uniqueMac((m) => others(m) !== null);
    warnings.push(`NIC ${i + 1}'s address ${n.mac} is already the address of a NIC of "${holder}"; it got ${mac}.`);
    return { ...n, mac };
  });
  if (warnings.length === 0) return { record, warnings };
  return { record: await library.update(record.id, { nics }), warnings };
}

function uniqueMac(used: (mac: string) => boolean): string {
  for (;;) {
    const mac = randomMac();
    if (!used(mac)) return mac;
  }
}
