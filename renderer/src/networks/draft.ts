import { CidrSchema, Ipv4Schema, NetworkSettingsFields, type FirewallRule, type NetworkSettings, type PortForward } from '../../../main/api/networks.js';
import type { MessageKey } from '../i18n/index.js';

/**
 * The network editor's draft. Fields a person types as text (a peer, a port range, the DNS list, the
 * gateway) stay text while they type, so a half-written value is never lost or rewritten; they become
 * settings only when Apply checks them.
 */
export interface RuleDraft extends Omit<FirewallRule, 'peer' | 'ports'> {
  peer: string;
  ports: string;
}

export interface DhcpDraft extends Omit<NetworkSettings['dhcp'], 'gateway' | 'dns'> {
  gateway: string;
  dns: string;
}

export interface NetworkDraft extends Omit<NetworkSettings, 'rules' | 'dhcp'> {
  rules: RuleDraft[];
  dhcp: DhcpDraft;
}

/** A slip found before asking the host: the field it is in and what is wrong (a catalogue key, or the schema's words). */
export interface DraftProblem {
  field: string;
  key?: MessageKey;
  message?: string;
}

export type NetworkPatch = Partial<Omit<NetworkSettings, 'name'>>;

export function portsText(ports: FirewallRule['ports']): string {
  if (!ports) return '';
  return ports.from === ports.to ? String(ports.from) : `${ports.from}-${ports.to}`;
}

/** "80" or "8000-8100" (empty: any port); undefined when it is neither. */
export function parsePorts(text: string): FirewallRule['ports'] | undefined {
  const s = text.trim();
  if (s === '') return null;
  const m = /^(\d{1,5})(?:\s*[-–]\s*(\d{1,5}))?$/.exec(s);
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  return { from, to };
}

export function toDraft(s: NetworkSettings): NetworkDraft {
  return {
    ...s,
    rules: s.rules.map((r) => ({ ...r, peer: r.peer ?? '', ports: portsText(r.ports) })),
    dhcp: { ...s.dhcp, gateway: s.dhcp.gateway ?? '', dns: s.dhcp.dns.join(', ') },
  };
}

function ruleOf(r: RuleDraft, i: number): FirewallRule | DraftProblem {
  const peer = r.peer.trim();
  if (peer && !Ipv4Schema.safeParse(peer).success && !CidrSchema.safeParse(peer).success) return { field: `rules.${i}.peer`, key: 'net.error.peer' };
  const ports = parsePorts(r.ports);
  if (ports === undefined) return { field: `rules.${i}.ports`, key: 'net.error.ports' };
  return { ...r, peer: peer || null, ports };
}

const isProblem = (x: FirewallRule | DraftProblem): x is DraftProblem => 'field' in x;

/** The draft as settings, checked with the host's own schema; or the first slip, named by its field. */
export function fromDraft(d: NetworkDraft): { settings: NetworkSettings } | { problem: DraftProblem } {
  const rules: FirewallRule[] = [];
  for (const [i, r] of d.rules.entries()) {
    const rule = ruleOf(r, i);
    if (isProblem(rule)) return { problem: rule };
    rules.push(rule);
  }
  const dns = d.dhcp.dns.split(/[\s,;]+/).filter(Boolean);
  const candidate = { ...d, rules, dhcp: { ...d.dhcp, gateway: d.dhcp.gateway.trim() || null, dns } };
  const check = NetworkSettingsFields.safeParse(candidate);
  if (check.success) return { settings: check.data };
  const issue = check.error.issues[0]!;
  return { problem: { field: issue.path.join('.'), message: issue.message } };
}

/** The top-level settings that differ: what net.update is sent (the name never changes). */
export function networkPatch(before: NetworkSettings, after: NetworkSettings): NetworkPatch {
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after) as (keyof NetworkSettings)[])
    if (key !== 'name' && JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  return patch as NetworkPatch;
}

export function sameDraft(a: NetworkDraft, b: NetworkDraft): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The list with the item at `at` swapped with its neighbour `by` places away (a rule up or down). */
export function moveItem<T>(list: readonly T[], at: number, by: -1 | 1): T[] {
  const to = at + by;
  if (to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[at], next[to]] = [next[to]!, next[at]!];
  return next;
}

export function newRule(): RuleDraft {
  return { action: 'allow', direction: 'in', protocol: 'tcp', peer: '', ports: '', note: '' };
}

/** A new forward: the guest address is the DHCP range's first, the one a lone VM most likely has. */
export function newForward(d: NetworkDraft): PortForward {
  return { protocol: 'tcp', hostAddress: '127.0.0.1', hostPort: 8080, guestAddress: d.dhcp.first, guestPort: 80 };
}
