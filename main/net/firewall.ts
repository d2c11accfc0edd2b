import type { FirewallRule, PortForward } from '../api/networks.js';
import { ETHERTYPE_ARP, etherType, parseIpv4, parseTransport, PROTO_ICMP, PROTO_TCP, PROTO_UDP } from './frame.js';
import { inSubnet, ipToInt, peerSubnet, type Subnet } from './ipv4.js';

/**
 * A network's firewall, stateful as users expect: rules are read top to bottom, the first that names a
 * packet decides, the default decides the rest; once a conversation is allowed, its replies pass. Each
 * packet is checked where it leaves a VM (`out`) and where it arrives at one (`in`), so a rule protects a VM
 * from its neighbours as well as from the outside. ARP always passes (without it nothing works and it
 * carries no service); other non-IPv4 traffic follows the defaults.
 */

type Direction = 'in' | 'out';
interface CompiledRule {
  allow: boolean;
  in: boolean;
  out: boolean;
  protocol: number | null;
  peer: Subnet | null;
  from: number;
  to: number;
}

const PROTOCOLS: Record<FirewallRule['protocol'], number | null> = { any: null, tcp: PROTO_TCP, udp: PROTO_UDP, icmp: PROTO_ICMP };
const IDLE_MS: Record<number, number> = { [PROTO_TCP]: 3_600_000, [PROTO_UDP]: 120_000, [PROTO_ICMP]: 30_000 };
const MAX_FLOWS = 65_536;

export interface FirewallPolicy {
  rules: FirewallRule[];
  defaultIn: 'allow' | 'deny';
  defaultOut: 'allow' | 'deny';
  forwards: PortForward[];
}

export class Firewall {
  private rules: CompiledRule[] = [];
  private defaults = { in: true, out: true };
  /** No rules and both defaults allow (a plain lab network): every frame passes without being read. */
  private open = true;
  private forwards = new Set<string>();
  /** Conversations allowed so far, by where they were allowed: `in|` or `out|` and the packet's 5-tuple. */
  private readonly flows = new Map<string, number>();

  constructor(policy: FirewallPolicy, private readonly now: () => number = Date.now) {
    this.update(policy);
  }

  update(policy: FirewallPolicy): void {
    this.rules = policy.rules.map((r) => ({
      allow: r.action === 'allow',
      in: r.direction !== 'out',
      out: r.direction !== 'in',
      protocol: PROTOCOLS[r.protocol],
      peer: r.peer ? peerSubnet(r.peer) : null,
      from: r.ports?.from ?? 0,
      to: r.ports?.to ?? 65535,
    }));
    this.defaults = { in: policy.defaultIn === 'allow', out: policy.defaultOut === 'allow' };
    this.open = this.rules.length === 0 && this.defaults.in && this.defaults.out;
    this.forwards = new Set(policy.forwards.map((f) => `${f.protocol === 'tcp' ? PROTO_TCP : PROTO_UDP}|${ipToInt(f.guestAddress)}|${f.guestPort}`));
    // New rules judge every conversation afresh: one they would not let start now ends, the others go on (netd
    // hands over the whole picture on any change anywhere, so forgetting them all would cut every connection).
    for (const key of [...this.flows.keys()]) {
      const [direction, ...tuple] = key.split('|');
      const [protocol, src, , dst, port] = tuple.map(Number);
      if (!this.permits(direction as Direction, protocol!, src!, dst!, port!)) this.flows.delete(key);
    }
  }

  /** Whether a frame may leave a VM (`out`) or reach one (`in`). */
  allows(frame: Uint8Array, direction: Direction): boolean {
    if (this.open || etherType(frame) === ETHERTYPE_ARP) return true;
    const ip = parseIpv4(frame);
    if (!ip) return this.defaults[direction];
    const t = parseTransport(frame, ip);
    if (!t) return false;
    const key = `${ip.protocol}|${ip.src}|${t.srcPort}|${ip.dst}|${t.dstPort}`;
    const reverse = `${ip.protocol}|${ip.dst}|${t.dstPort}|${ip.src}|${t.srcPort}`;
    const other = direction === 'in' ? 'out' : 'in';
    const at = this.now();
    if (this.alive(`${direction}|${key}`, ip.protocol, at) || this.alive(`${other}|${reverse}`, ip.protocol, at)) return true;
    const ok = this.permits(direction, ip.protocol, ip.src, ip.dst, t.dstPort);
    if (ok) this.remember(`${direction}|${key}`, at);
    return ok;
  }

  /** Whether a conversation may start: a port forward lets it in, else the rules and the default decide. */
  private permits(direction: Direction, protocol: number, src: number, dst: number, port: number): boolean {
    if (direction === 'in' && this.forwards.has(`${protocol}|${dst}|${port}`)) return true;
    return this.decide(direction, protocol, direction === 'in' ? src : dst, port);
  }

  private decide(direction: Direction, protocol: number, peer: number, port: number): boolean {
    const ported = protocol === PROTO_TCP || protocol === PROTO_UDP;
    for (const r of this.rules) {
      if (!r[direction] || (r.protocol !== null && r.protocol !== protocol)) continue;
      if (r.peer && !inSubnet(peer, r.peer)) continue;
      if ((r.from !== 0 || r.to !== 65535) && (!ported || port < r.from || port > r.to)) continue;
      return r.allow;
    }
    return this.defaults[direction];
  }

  private alive(key: string, protocol: number, at: number): boolean {
    const seen = this.flows.get(key);
    if (seen === undefined) return false;
    if (at - seen > (IDLE_MS[protocol] ?? 60_000)) {
      this.flows.delete(key);
      return false;
    }
    this.flows.set(key, at);
    return true;
  }

  private remember(key: string, at: number): void {
    if (this.flows.size >= MAX_FLOWS) {
      // Forget the oldest quarter: a flood of new conversations cannot grow the table without bound.
      let n = MAX_FLOWS / 4;
      for (const k of this.flows.keys()) {
        this.flows.delete(k);
        if (--n === 0) break;
      }
    }
    this.flows.set(key, at);
  }
}
