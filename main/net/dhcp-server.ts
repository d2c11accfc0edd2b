import type { Dhcp, Lease } from '../api/networks.js';
import { be32, BROADCAST_MAC, macAt, put16, put32, udpFrame, type Ipv4View } from './frame.js';
import { intToIp, ipToInt, type Subnet } from './ipv4.js';

/**
 * A network's DHCP server (RFC 2131): hands out addresses from the range, keeps each MAC on its address
 * across renewals and restarts (the leases are saved by the caller), and answers as the network's own node.
 * Replies go to the client's MAC with the IP broadcast address, which every client takes before it has an
 * address, without flooding the network.
 */

const DHCP_MAGIC = 0x63825363;
const BOOTP_FIXED = 236;
enum Msg {
  Discover = 1,
  Offer = 2,
  Request = 3,
  Decline = 4,
  Ack = 5,
  Nak = 6,
  Release = 7,
  Inform = 8,
}
/** How long an address a client declined (found in use by someone else) stays out of the pool. */
const DECLINE_HOLD_MS = 600_000;
const OPT = { mask: 1, router: 3, dns: 6, hostname: 12, mtu: 26, broadcast: 28, requested: 50, lease: 51, type: 53, server: 54, end: 255 } as const;

interface Request {
  type: number;
  xid: number;
  flags: number;
  ciaddr: number;
  chaddr: Uint8Array;
  mac: string;
  requested: number | null;
  server: number | null;
  hostname: string | null;
}

export interface DhcpIdentity {
  mac: string;
  ip: number;
  subnet: Subnet;
  mtu: number;
}

export class DhcpServer {
  private readonly leases = new Map<string, Lease>();
  /** Addresses clients declined, and until when they are not handed out. */
  private readonly declined = new Map<number, number>();

  constructor(
    private config: Dhcp,
    private me: DhcpIdentity,
    private readonly onLeasesChanged: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  reconfigure(config: Dhcp, me: DhcpIdentity): void {
    this.config = config;
    this.me = me;
  }

  /** Leases as saved; expired ones are kept (a returning MAC gets its old address back while it is free). */
  list(): Lease[] {
    return [...this.leases.values()].sort((a, b) => ipToInt(a.address) - ipToInt(b.address));
  }

  restore(leases: Lease[]): void {
    for (const l of leases) this.leases.set(l.mac, l);
  }

  /** A UDP datagram to port 67; returns the reply frame, or null when there is nothing to say. */
  handle(frame: Uint8Array, ip: Ipv4View): Uint8Array | null {
    if (!this.config.enabled) return null;
    const req = parseRequest(frame, ip.payload + 8, ip.at + ip.totalLength);
    if (!req) return null;
    // The client took another server's offer (offers reserve nothing here, so nothing is undone).
    if (req.server !== null && req.server !== this.me.ip) return null;
    switch (req.type) {
      case Msg.Discover: {
        const address = this.choose(req.mac, req.requested);
        return address === null ? null : this.reply(req, Msg.Offer, address);
      }
      case Msg.Request: {
        const wanted = req.requested ?? (req.ciaddr || null);
        if (wanted === null || !this.available(wanted, req.mac)) return this.reply(req, Msg.Nak, 0);
        this.bind(req.mac, wanted, req.hostname);
        return this.reply(req, Msg.Ack, wanted);
      }
      case Msg.Release:
        if (this.leases.delete(req.mac)) this.onLeasesChanged();
        return null;
      case Msg.Decline: {
        // The address is in use by someone else (the client probed it): offering it again would loop.
        const lease = this.leases.get(req.mac);
        if (!lease || (req.requested !== null && req.requested !== ipToInt(lease.address))) return null;
        this.declined.set(ipToInt(lease.address), this.now() + DECLINE_HOLD_MS);
        this.leases.delete(req.mac);
        this.onLeasesChanged();
        return null;
      }
      case Msg.Inform:
        return this.reply(req, Msg.Ack, 0);
      default:
        return null;
    }
  }

  private range(): [number, number] {
    return [ipToInt(this.config.first), ipToInt(this.config.last)];
  }

  private holder(address: number): Lease | undefined {
    const text = intToIp(address);
    return [...this.leases.values()].find((l) => l.address === text);
  }

  /** Free for this MAC: in the range, not the server, and held by nobody else (or by an expired lease). */
  private available(address: number, mac: string): boolean {
    const [first, last] = this.range();
    if (address < first || address > last || address === this.me.ip || this.isDeclined(address)) return false;
    const h = this.holder(address);
    return !h || h.mac === mac || Date.parse(h.expires) < this.now();
  }

  private choose(mac: string, requested: number | null): number | null {
    const own = this.leases.get(mac);
    if (own && this.available(ipToInt(own.address), mac)) return ipToInt(own.address);
    if (requested !== null && this.available(requested, mac)) return requested;
    const [first, last] = this.range();
    for (let a = first; a <= last; a++) if (!this.holder(a) && a !== this.me.ip && !this.isDeclined(a)) return a;
    // Expired leases, oldest first, of addresses still in the range (it may have changed since).
    const expired = [...this.leases.values()].filter((l) => Date.parse(l.expires) < this.now() && this.available(ipToInt(l.address), mac)).sort((a, b) => Date.parse(a.expires) - Date.parse(b.expires));
    return expired.length ? ipToInt(expired[0]!.address) : null;
  }

  private isDeclined(address: number): boolean {
    const until = this.declined.get(address);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.declined.delete(address);
    return false;
  }

  private bind(mac: string, address: number, hostname: string | null): void {
    for (const [m, l] of this.leases) if (l.address === intToIp(address) && m !== mac) this.leases.delete(m);
    const expires = new Date(this.now() + this.config.leaseSeconds * 1000).toISOString();
    this.leases.set(mac, { mac, address: intToIp(address), hostname, expires });
    this.onLeasesChanged();
  }

  private reply(req: Request, type: Msg, yiaddr: number): Uint8Array {
    const opts: number[] = [OPT.type, 1, type, OPT.server, 4, ...bytes32(this.me.ip)];
    if (type !== Msg.Nak) {
      opts.push(OPT.mask, 4, ...bytes32(this.me.subnet.mask));
      opts.push(OPT.broadcast, 4, ...bytes32((this.me.subnet.base | (~this.me.subnet.mask >>> 0)) >>> 0));
      opts.push(OPT.mtu, 2, this.me.mtu >> 8, this.me.mtu & 255);
      if (this.config.gateway) opts.push(OPT.router, 4, ...bytes32(ipToInt(this.config.gateway)));
      if (this.config.dns.length) opts.push(OPT.dns, 4 * this.config.dns.length, ...this.config.dns.flatMap((d) => bytes32(ipToInt(d))));
      if (type !== Msg.Ack || yiaddr !== 0) opts.push(OPT.lease, 4, ...bytes32(this.config.leaseSeconds));
    }
    opts.push(OPT.end);
    const body = new Uint8Array(BOOTP_FIXED + 4 + opts.length);
    body[0] = 2; // BOOTREPLY
    body[1] = 1;
    body[2] = 6;
    put32(body, 4, req.xid);
    put16(body, 10, req.flags);
    put32(body, 12, req.ciaddr);
    put32(body, 16, yiaddr);
    put32(body, 20, this.me.ip);
    body.set(req.chaddr, 28);
    put32(body, BOOTP_FIXED, DHCP_MAGIC);
    body.set(opts, BOOTP_FIXED + 4);
    const dstIp = req.ciaddr && type !== Msg.Nak ? req.ciaddr : 0xffffffff;
    const dstMac = dstIp === 0xffffffff && type === Msg.Nak ? BROADCAST_MAC : req.mac;
    return udpFrame(dstMac, this.me.mac, this.me.ip, dstIp, 67, 68, body);
  }
}

function bytes32(v: number): number[] {
  return [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
}

function parseRequest(f: Uint8Array, at: number, end: number): Request | null {
  if (end - at < BOOTP_FIXED + 4 || f[at] !== 1 || f[at + 1] !== 1 || f[at + 2] !== 6) return null;
  if (be32(f, at + BOOTP_FIXED) !== DHCP_MAGIC) return null;
  const req: Request = {
    type: 0,
    xid: be32(f, at + 4),
    flags: (f[at + 10]! << 8) | f[at + 11]!,
    ciaddr: be32(f, at + 12),
    chaddr: f.slice(at + 28, at + 44),
    mac: macAt(f, at + 28),
    requested: null,
    server: null,
    hostname: null,
  };
  for (let o = at + BOOTP_FIXED + 4; o < end; ) {
    const code = f[o]!;
    if (code === OPT.end) break;
    if (code === 0) {
      o++;
      continue;
    }
    const len = f[o + 1];
    if (len === undefined || o + 2 + len > end) return null;
    const v = o + 2;
    if (code === OPT.type && len >= 1) req.type = f[v]!;
    if (code === OPT.requested && len === 4) req.requested = be32(f, v);
    if (code === OPT.server && len === 4) req.server = be32(f, v);
    if (code === OPT.hostname && len > 0) req.hostname = new TextDecoder().decode(f.subarray(v, v + len)).replace(/[^\x20-\x7e]/g, '').slice(0, 63) || null;
    o = v + len;
  }
  return req.type ? req : null;
}
