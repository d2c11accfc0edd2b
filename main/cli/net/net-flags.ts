import { CidrSchema, Ipv4Schema, type FirewallRule, type PortForward } from '../../api/networks.js';
import { ApiError } from '../../api/requests.js';

/**
 * What `kaso net` reads from its flags (DHCP ranges, firewall rules, port forwards) and how it prints them
 * back, in one syntax: what `kaso net show` prints after a rule's number is what `--add-rule` takes.
 */

const bad = (message: string): never => {
  throw new ApiError('INVALID_INPUT', message);
};

export function ipv4(value: string, flag: string): string {
  const r = Ipv4Schema.safeParse(value);
  return r.success ? r.data : bad(`${flag}: "${value}" is not an IPv4 address (a.b.c.d)`);
}

export function cidr(value: string, flag: string): string {
  const r = CidrSchema.safeParse(value);
  return r.success ? r.data : bad(`${flag}: "${value}" is not a subnet (a.b.c.d/8 to a.b.c.d/30, e.g. 192.168.60.0/24)`);
}

export function wholeNumber(value: string, flag: string, min: number, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < min || n > max) bad(`${flag}: "${value}" is not a whole number from ${min} to ${max}`);
  return n;
}

/** "192.168.56.100-192.168.56.199" (the last may be just its final number: "192.168.56.100-199"). */
export function dhcpRange(value: string, flag = '--dhcp'): { first: string; last: string } {
  const [a, b, extra] = value.split('-').map((s) => s.trim());
  if (!a || !b || extra !== undefined) bad(`${flag}: "${value}" is not a range (FIRST-LAST, e.g. 192.168.56.100-192.168.56.199)`);
  const first = ipv4(a!, flag);
  const last = /^\d{1,3}$/.test(b!) ? ipv4(`${first.split('.').slice(0, 3).join('.')}.${b}`, flag) : ipv4(b!, flag);
  return { first, last };
}

/** "86400", "3600s", "90m", "12h", "7d": a lease time in seconds. */
export function leaseSeconds(value: string): number {
  const m = /^\s*(\d+)\s*(s|m|min|h|d)?\s*$/i.exec(value);
  if (!m) return bad(`--lease: "${value}" is not a time (seconds, or with a unit: 30m, 12h, 1d)`);
  const unit = { s: 1, m: 60, min: 60, h: 3600, d: 86400 }[(m[2] ?? 's').toLowerCase() as 's'] ?? 1;
  const seconds = Number(m[1]) * unit;
  if (seconds < 60 || seconds > 7 * 86400) bad(`--lease: ${seconds} seconds is not from 60 seconds to 7 days`);
  return seconds;
}

export function dnsServers(value: string): string[] {
  if (value.trim().toLowerCase() === 'none' || value.trim() === '') return [];
  const list = value.split(',').map((s) => ipv4(s.trim(), '--dns'));
  if (list.length > 3) bad(`--dns: at most 3 servers (${list.length} given)`);
  return list;
}

const RULE_SYNTAX = 'allow|deny in|out|both [any|tcp|udp|icmp] [PORT|FIRST-LAST] [from|to ADDRESS|SUBNET] [note TEXT]';

/** 'deny in tcp 8081 from 10.0.0.0/8', 'allow out udp 53', 'deny both icmp to 192.168.1.5 note no pings'. */
export function parseRule(text: string): FirewallRule {
  const flag = `--add-rule "${text}"`;
  const words = text.trim().split(/\s+/).filter(Boolean);
  const fail = (why: string): never => bad(`${flag}: ${why} (a rule reads: ${RULE_SYNTAX})`);
  const action = words.shift()?.toLowerCase();
  if (action !== 'allow' && action !== 'deny') fail(`it starts with allow or deny, not "${action ?? ''}"`);
  const direction = words.shift()?.toLowerCase();
  if (direction !== 'in' && direction !== 'out' && direction !== 'both') fail(`the second word is in, out or both, not "${direction ?? ''}"`);
  const rule: FirewallRule = { action: action as FirewallRule['action'], direction: direction as FirewallRule['direction'], protocol: 'any', peer: null, ports: null, note: '' };
  let sawProtocol = false;
  let sawPorts = false;
  while (words.length) {
    const w = words.shift()!;
    const lower = w.toLowerCase();
    if (!sawProtocol && !sawPorts && ['any', 'tcp', 'udp', 'icmp'].includes(lower)) {
      rule.protocol = lower as FirewallRule['protocol'];
      sawProtocol = true;
    } else if (!sawPorts && /^\d+(-\d+)?$/.test(w)) {
      const [from, to = from] = w.split('-').map(Number) as [number, number?];
      if (from < 1 || to! > 65535 || from > to!) fail(`"${w}" is not a port (1-65535) or a range of them (FIRST-LAST)`);
      rule.ports = { from, to: to! };
      sawPorts = true;
    } else if (['from', 'to', 'with', 'peer'].includes(lower)) {
      const peer = words.shift();
      if (!peer) fail(`"${w}" needs an address or a subnet after it`);
      if (peer!.toLowerCase() === 'any') rule.peer = null;
      else if (peer!.includes('/')) {
        const r = CidrSchema.safeParse(peer);
        rule.peer = r.success ? r.data : fail(`"${peer}" is not a subnet (a.b.c.d/8 to a.b.c.d/30)`);
      } else {
        const r = Ipv4Schema.safeParse(peer);
        rule.peer = r.success ? r.data : fail(`"${peer}" is not an IPv4 address`);
      }
    } else if (lower === 'note' || lower === '#') {
      rule.note = words.splice(0).join(' ');
    } else {
      fail(`"${w}" is not understood here`);
    }
  }
  if (rule.ports && (rule.protocol === 'icmp' || rule.protocol === 'any')) fail(`a port needs tcp or udp (${rule.protocol} has no ports)`);
  return rule;
}

/** A rule in the syntax --add-rule reads (without its note). */
export function formatRule(r: FirewallRule): string {
  const peerWord = { in: 'from', out: 'to', both: 'with' }[r.direction];
  const ports = r.ports ? (r.ports.from === r.ports.to ? `${r.ports.from}` : `${r.ports.from}-${r.ports.to}`) : null;
  return [r.action, r.direction, r.protocol, ports, r.peer ? `${peerWord} ${r.peer}` : null].filter(Boolean).join(' ');
}

const FORWARD_SYNTAX = '[tcp|udp:][HOST-ADDRESS:]HOST-PORT:GUEST-ADDRESS:GUEST-PORT';

/** 'tcp:8080:10.0.2.15:80', 'udp:127.0.0.1:5353:10.0.2.15:53', '2222:10.0.2.15:22' (TCP unless said). */
export function parseForward(text: string): PortForward {
  const flag = `--add-forward "${text}"`;
  const fail = (why: string): never => bad(`${flag}: ${why} (a forward reads: ${FORWARD_SYNTAX}, e.g. tcp:8080:10.0.2.15:80)`);
  const parts = text.trim().split(':');
  let protocol: PortForward['protocol'] = 'tcp';
  if (parts[0] && /^(tcp|udp)$/i.test(parts[0])) protocol = parts.shift()!.toLowerCase() as PortForward['protocol'];
  if (parts.length !== 3 && parts.length !== 4) fail('it has the wrong number of parts');
  const [hostAddress, hostPort, guestAddress, guestPort] = parts.length === 4 ? parts : ['127.0.0.1', ...parts];
  const port = (p: string, what: string) => (/^\d+$/.test(p) && Number(p) >= 1 && Number(p) <= 65535 ? Number(p) : fail(`the ${what} "${p}" is not a port (1-65535)`));
  const address = (a: string, what: string) => {
    const r = Ipv4Schema.safeParse(a);
    return r.success ? r.data : fail(`the ${what} "${a}" is not an IPv4 address`);
  };
  return {
    protocol,
    hostAddress: address(hostAddress!, 'host address'),
    hostPort: port(hostPort!, 'host port'),
    guestAddress: address(guestAddress!, 'guest address'),
    guestPort: port(guestPort!, 'guest port'),
  };
}

export function formatForward(f: PortForward): string {
  return `${f.protocol} ${f.hostAddress}:${f.hostPort} -> ${f.guestAddress}:${f.guestPort}`;
}

/** A 1-based number as the user counts (from `kaso net show` or `kaso vm nic list`), as an index. */
export function itemNumber(value: string, count: number, what: string, flag: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 1) bad(`${flag}: "${value}" is not a ${what} number (they count from 1)`);
  if (n > count) bad(`${flag}: there is no ${what} ${n} (${count === 0 ? `there are no ${what}s` : `there ${count === 1 ? 'is 1' : `are ${count}`} ${what}${count === 1 ? '' : 's'}`})`);
  return n - 1;
}

/** Repeatable options: every occurrence, in order. */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * A host error as the user gave it: the host names request fields ("settings.dhcp.first: ..."), which are
 * turned into the flag that set them ("--dhcp: ..."); messages without a field pass as they are.
 */
export function relabel(e: unknown, label: (field: string) => string | null): never {
  if (!(e instanceof ApiError) || !e.field) throw e;
  const prefix = `${e.field}: `;
  if (!e.message.startsWith(prefix)) throw e;
  const name = label(e.field.replace(/^settings\./, ''));
  if (name === null) throw e;
  throw new ApiError(e.code, `${name ? `${name}: ` : ''}${e.message.slice(prefix.length)}`, e.field);
}

/** The flag each network field comes from. */
export function networkFieldLabel(field: string): string | null {
  const [head, second, third] = field.split('.');
  if (head === 'rules' && second !== undefined && /^\d+$/.test(second)) return `rule ${Number(second) + 1}`;
  if (head === 'forwards' && second !== undefined && /^\d+$/.test(second)) return `forward ${Number(second) + 1}${third === 'hostPort' ? ' (host port)' : ''}`;
  if (head === 'dhcp') return { first: '--dhcp', last: '--dhcp', leaseSeconds: '--lease', gateway: '--gateway', dns: '--dns', enabled: '--dhcp' }[second ?? ''] ?? '--dhcp';
  return (
    {
      name: 'the network\'s name',
      subnet: '--subnet',
      mtu: '--mtu',
      kind: '--kind',
      defaultIn: '--default-in',
      defaultOut: '--default-out',
      rules: 'rules',
      forwards: 'forwards',
      notes: '--notes',
      file: 'FILE',
    }[head ?? ''] ?? null
  );
}
