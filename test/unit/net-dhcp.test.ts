import { describe, expect, it } from 'vitest';
import type { Dhcp } from '../../main/api/networks.js';
import { DhcpServer } from '../../main/net/dhcp-server.js';
import { be16, be32, BROADCAST_MAC, checksum, macAt, parseIpv4, PROTO_UDP, put32, udpFrame } from '../../main/net/frame.js';
import { intToIp, ipToInt, parseCidr } from '../../main/net/ipv4.js';
import { dhcpClientFrame, DHCP_MAGIC as MAGIC, type ClientMessage } from '../helpers/dhcp-client.js';

const SERVER_MAC = '02:6b:67:12:34:56';
const SERVER_IP = '10.0.2.1';
const OTHER_SERVER = '10.0.2.254';
const MAC_A = '02:6b:61:00:00:0a';
const MAC_B = '02:6b:61:00:00:0b';
const MAC_C = '02:6b:61:00:00:0c';
const MAC_D = '02:6b:61:00:00:0d';
const LEASE_SECONDS = 3600;

const DISCOVER = 1;
const OFFER = 2;
const REQUEST = 3;
const DECLINE = 4;
const ACK = 5;
const NAK = 6;
const RELEASE = 7;
const INFORM = 8;

/** A client's message to this test's server. */
const clientFrame = (m: ClientMessage) => dhcpClientFrame(m, SERVER_MAC, SERVER_IP);

interface Reply {
  dstMac: string;
  srcMac: string;
  srcIp: string;
  dstIp: string;
  srcPort: number;
  dstPort: number;
  op: number;
  xid: number;
  ciaddr: string;
  yiaddr: string;
  chaddr: string;
  type: number;
  /** Each option's bytes, by code. */
  options: Map<number, number[]>;
}

/** Reads a reply as a client would, checking the IPv4 header and UDP checksums on the way. */
function parseReply(f: Uint8Array): Reply {
  const ip = parseIpv4(f);
  expect(ip, 'an IPv4 packet').not.toBeNull();
  expect(ip!.protocol).toBe(PROTO_UDP);
  expect(checksum(f, ip!.at, ip!.at + ip!.headerLength), 'IPv4 header checksum').toBe(0);
  const u = ip!.payload;
  const udpLength = be16(f, u + 4);
  expect(udpLength).toBe(ip!.totalLength - ip!.headerLength);
  expect(be16(f, u + 6), 'a UDP checksum is sent').not.toBe(0);
  const pseudo = (ip!.src >>> 16) + (ip!.src & 0xffff) + (ip!.dst >>> 16) + (ip!.dst & 0xffff) + PROTO_UDP + udpLength;
  expect(checksum(f, u, u + udpLength, pseudo), 'UDP checksum').toBe(0);
  const b = u + 8;
  expect(be32(f, b + 236)).toBe(MAGIC);
  const options = new Map<number, number[]>();
  for (let o = b + 240; o < u + udpLength && f[o] !== 255; ) {
    if (f[o] === 0) {
      o++;
      continue;
    }
    const len = f[o + 1]!;
    options.set(f[o]!, [...f.subarray(o + 2, o + 2 + len)]);
    o += 2 + len;
  }
  return {
    dstMac: macAt(f, 0),
    srcMac: macAt(f, 6),
    srcIp: intToIp(ip!.src),
    dstIp: intToIp(ip!.dst),
    srcPort: be16(f, u),
    dstPort: be16(f, u + 2),
    op: f[b]!,
    xid: be32(f, b + 4),
    ciaddr: intToIp(be32(f, b + 12)),
    yiaddr: intToIp(be32(f, b + 16)),
    chaddr: macAt(f, b + 28),
    type: options.get(53)?.[0] ?? 0,
    options,
  };
}

const ip = (v: number[] | undefined) => (v ? v.join('.') : undefined);
const ipBytes = (a: string) => a.split('.').map(Number);

function config(c: Partial<Dhcp> = {}): Dhcp {
  return { enabled: true, first: '10.0.2.100', last: '10.0.2.199', leaseSeconds: LEASE_SECONDS, gateway: SERVER_IP, dns: [SERVER_IP, '9.9.9.9'], ...c };
}

const IDENTITY = { mac: SERVER_MAC, ip: ipToInt(SERVER_IP), subnet: parseCidr('10.0.2.0/24'), mtu: 1500 };

function setup(c: Partial<Dhcp> = {}) {
  const clock = { t: Date.parse('2025-01-01T00:00:00Z') };
  let changes = 0;
  const server = new DhcpServer(config(c), IDENTITY, () => changes++, () => clock.t);
  /** Sends a client's message; the reply as parsed, or null for silence. */
  const send = (m: ClientMessage): Reply | null => {
    const f = clientFrame(m);
    const out = server.handle(f, parseIpv4(f)!);
    return out && parseReply(out);
  };
  /** DISCOVER, then REQUEST what was offered: the address bound. */
  const lease = (mac: string, hostname?: string): string => {
    const offer = send({ type: DISCOVER, mac });
    expect(offer?.type).toBe(OFFER);
    const ack = send({ type: REQUEST, mac, requested: offer!.yiaddr, server: SERVER_IP, hostname });
    expect(ack?.type).toBe(ACK);
    return ack!.yiaddr;
  };
  return { server, clock, send, lease, changes: () => changes };
}

describe('DhcpServer offers and acknowledgements', () => {
  it('answers DISCOVER with an OFFER to the client MAC, IP broadcast, port 67 to 68, valid checksums, every option', () => {
    const { server, send } = setup();
    const offer = send({ type: DISCOVER, mac: MAC_A, xid: 0xdeadbeef })!;
    expect(offer).toMatchObject({ type: OFFER, op: 2, xid: 0xdeadbeef, chaddr: MAC_A, yiaddr: '10.0.2.100' });
    expect(offer).toMatchObject({ dstMac: MAC_A, srcMac: SERVER_MAC, srcIp: SERVER_IP, dstIp: '255.255.255.255', srcPort: 67, dstPort: 68 });
    expect(ip(offer.options.get(54))).toBe(SERVER_IP); // server identifier
    expect(ip(offer.options.get(1))).toBe('255.255.255.0');
    expect(ip(offer.options.get(3))).toBe(SERVER_IP);
    expect(offer.options.get(6)).toEqual([...ipBytes(SERVER_IP), ...ipBytes('9.9.9.9')]);
    expect(ip(offer.options.get(28))).toBe('10.0.2.255');
    expect(offer.options.get(26)).toEqual([0x05, 0xdc]); // MTU 1500
    expect(be32(Uint8Array.from(offer.options.get(51)!), 0)).toBe(LEASE_SECONDS);
    expect(server.list()).toEqual([]); // an offer binds nothing
  });

  it('leaves out the router and DNS options when the network has none (an internal network)', () => {
    const { send } = setup({ gateway: null, dns: [] });
    const offer = send({ type: DISCOVER, mac: MAC_A })!;
    expect(offer.options.has(3)).toBe(false);
    expect(offer.options.has(6)).toBe(false);
    expect(ip(offer.options.get(1))).toBe('255.255.255.0');
  });

  it('ACKs a REQUEST for the offered address with the same options and binds the lease for its time', () => {
    const { server, send, clock, changes } = setup();
    const offer = send({ type: DISCOVER, mac: MAC_A })!;
    const ack = send({ type: REQUEST, mac: MAC_A, requested: offer.yiaddr, server: SERVER_IP, hostname: 'alpha', xid: 77 })!;
    expect(ack).toMatchObject({ type: ACK, xid: 77, yiaddr: '10.0.2.100', dstMac: MAC_A, dstIp: '255.255.255.255', srcIp: SERVER_IP });
    for (const code of [1, 3, 6, 28, 26, 51, 54]) expect(ack.options.get(code)).toEqual(offer.options.get(code));
    expect(server.list()).toEqual([{ mac: MAC_A, address: '10.0.2.100', hostname: 'alpha', expires: new Date(clock.t + LEASE_SECONDS * 1000).toISOString() }]);
    expect(changes()).toBe(1);
  });

  it('gives two clients different addresses, and the same MAC its address again on a new DISCOVER', () => {
    const { lease, send } = setup();
    const a = lease(MAC_A);
    const b = lease(MAC_B);
    expect(a).not.toBe(b);
    expect(send({ type: DISCOVER, mac: MAC_A })!.yiaddr).toBe(a);
    expect(send({ type: DISCOVER, mac: MAC_B })!.yiaddr).toBe(b);
  });

  it('renews a lease: a REQUEST from the bound address (ciaddr) is ACKed to that address, with a new expiry', () => {
    const { server, lease, send, clock } = setup();
    const a = lease(MAC_A);
    clock.t += (LEASE_SECONDS / 2) * 1000;
    const ack = send({ type: REQUEST, mac: MAC_A, ciaddr: a })!;
    expect(ack).toMatchObject({ type: ACK, yiaddr: a, ciaddr: a, dstMac: MAC_A, dstIp: a });
    expect(server.list()[0]!.expires).toBe(new Date(clock.t + LEASE_SECONDS * 1000).toISOString());
  });

  it('keeps each MAC on its address after a restart (restore of list()), and an expired lease too while it is free', () => {
    const first = setup();
    const a = first.lease(MAC_A);
    const b = first.lease(MAC_B);
    const second = setup();
    second.server.restore(first.server.list());
    expect(second.send({ type: DISCOVER, mac: MAC_B })!.yiaddr).toBe(b);
    expect(second.send({ type: DISCOVER, mac: MAC_C })!.yiaddr).not.toBe(a);
    expect(second.send({ type: REQUEST, mac: MAC_A, requested: a })!.type).toBe(ACK); // INIT-REBOOT: no server id
    second.clock.t += 10 * LEASE_SECONDS * 1000;
    expect(second.send({ type: DISCOVER, mac: MAC_B })!.yiaddr).toBe(b);
  });

  it('offers a free address the client asks for in a DISCOVER, and not one another client holds', () => {
    const { lease, send } = setup();
    const a = lease(MAC_A);
    expect(send({ type: DISCOVER, mac: MAC_B, requested: '10.0.2.150' })!.yiaddr).toBe('10.0.2.150');
    expect(send({ type: DISCOVER, mac: MAC_C, requested: a })!.yiaddr).not.toBe(a);
    expect(send({ type: DISCOVER, mac: MAC_C, requested: '10.0.2.50' })!.yiaddr).toBe('10.0.2.101'); // outside the range
  });

  it('answers an INFORM with an ACK that carries the settings but no address and no lease time', () => {
    const { send, server } = setup();
    const ack = send({ type: INFORM, mac: MAC_A, ciaddr: '10.0.2.7' })!;
    expect(ack).toMatchObject({ type: ACK, yiaddr: '0.0.0.0', dstIp: '10.0.2.7' });
    expect(ack.options.has(51)).toBe(false);
    expect(ip(ack.options.get(3))).toBe(SERVER_IP);
    expect(server.list()).toEqual([]);
  });

  it('says nothing when DHCP is off, or to what is not a DHCP request', () => {
    const { server, send } = setup({ enabled: false });
    expect(send({ type: DISCOVER, mac: MAC_A })).toBeNull();

    const on = setup();
    const f = clientFrame({ type: DISCOVER, mac: MAC_A });
    const ip4 = parseIpv4(f)!;
    const bad = Uint8Array.from(f);
    put32(bad, ip4.payload + 8 + 236, 0x12345678); // wrong magic cookie (BOOTP, not DHCP)
    expect(on.server.handle(bad, parseIpv4(bad)!)).toBeNull();
    const reply = Uint8Array.from(f);
    reply[ip4.payload + 8] = 2; // a BOOTREPLY (another server's answer)
    expect(on.server.handle(reply, parseIpv4(reply)!)).toBeNull();
    const truncated = udpFrame(BROADCAST_MAC, MAC_A, 0, 0xffffffff, 68, 67, f.subarray(ip4.payload + 8, ip4.payload + 8 + 200));
    expect(on.server.handle(truncated, parseIpv4(truncated)!)).toBeNull();
    expect(server.list()).toEqual([]);
  });
});

describe('DhcpServer pool', () => {
  it('makes no offer when every address is held, and hands out the oldest expired lease when one runs out', () => {
    const { server, lease, send, clock } = setup({ first: '10.0.2.100', last: '10.0.2.102' });
    const a = lease(MAC_A);
    clock.t += 1000;
    lease(MAC_B);
    lease(MAC_C);
    expect(send({ type: DISCOVER, mac: MAC_D })).toBeNull();
    expect(send({ type: REQUEST, mac: MAC_D, requested: a, server: SERVER_IP })!.type).toBe(NAK);

    clock.t += LEASE_SECONDS * 1000 - 500; // A's lease has run out, B's and C's have not
    const offer = send({ type: DISCOVER, mac: MAC_D })!;
    expect(offer.yiaddr).toBe(a);
    expect(send({ type: REQUEST, mac: MAC_D, requested: a, server: SERVER_IP })!.type).toBe(ACK);
    expect(server.list().filter((l) => l.address === a)).toEqual([expect.objectContaining({ mac: MAC_D })]);
    expect(server.list().map((l) => l.mac)).not.toContain(MAC_A);
  });

  it('never hands out its own address, even in a range that holds it', () => {
    const { send, lease } = setup({ first: '10.0.2.1', last: '10.0.2.2' });
    expect(lease(MAC_A)).toBe('10.0.2.2');
    expect(send({ type: DISCOVER, mac: MAC_B })).toBeNull();
    expect(send({ type: REQUEST, mac: MAC_B, requested: SERVER_IP, server: SERVER_IP })!.type).toBe(NAK);
  });

  it('NAKs a REQUEST for an address outside the range, or one another MAC holds, to broadcast', () => {
    const { server, lease, send } = setup();
    const a = lease(MAC_A);
    const outside = send({ type: REQUEST, mac: MAC_B, requested: '10.0.2.50', server: SERVER_IP })!;
    expect(outside).toMatchObject({ type: NAK, yiaddr: '0.0.0.0', dstMac: BROADCAST_MAC, dstIp: '255.255.255.255' });
    expect(ip(outside.options.get(54))).toBe(SERVER_IP);
    expect(outside.options.has(51)).toBe(false);
    expect(outside.options.has(1)).toBe(false);
    expect(send({ type: REQUEST, mac: MAC_B, requested: a, server: SERVER_IP })!.type).toBe(NAK);
    expect(send({ type: REQUEST, mac: MAC_B, requested: '192.168.1.100' })!.type).toBe(NAK); // moved from another network
    expect(send({ type: REQUEST, mac: MAC_B })!.type).toBe(NAK); // names no address at all
    expect(server.list()).toEqual([expect.objectContaining({ mac: MAC_A, address: a })]);
  });

  it('ignores a REQUEST that names another server (the client took its offer) and binds nothing', () => {
    const { server, send, changes } = setup();
    const offer = send({ type: DISCOVER, mac: MAC_A })!;
    expect(send({ type: REQUEST, mac: MAC_A, requested: offer.yiaddr, server: OTHER_SERVER })).toBeNull();
    expect(server.list()).toEqual([]);
    expect(changes()).toBe(0);
  });

  it('frees the address on RELEASE, so another client can have it', () => {
    const { server, lease, send, changes } = setup({ first: '10.0.2.100', last: '10.0.2.100' });
    const a = lease(MAC_A);
    expect(send({ type: DISCOVER, mac: MAC_B })).toBeNull();
    expect(send({ type: RELEASE, mac: MAC_A, ciaddr: a, server: SERVER_IP })).toBeNull();
    expect(server.list()).toEqual([]);
    expect(changes()).toBe(2);
    expect(lease(MAC_B)).toBe(a);
  });

  it('ignores a RELEASE meant for another server', () => {
    const { server, lease, send } = setup();
    const a = lease(MAC_A);
    send({ type: RELEASE, mac: MAC_A, ciaddr: a, server: OTHER_SERVER });
    expect(server.list()).toHaveLength(1);
  });

  it('keeps an address a client DECLINEd (in use by someone else) out of the pool for ten minutes', () => {
    const { server, lease, send, clock } = setup({ first: '10.0.2.100', last: '10.0.2.101' });
    const a = lease(MAC_A);
    expect(send({ type: DECLINE, mac: MAC_A, requested: a, server: SERVER_IP })).toBeNull();
    expect(server.list()).toEqual([]);
    const next = send({ type: DISCOVER, mac: MAC_A })!;
    expect(next.yiaddr).not.toBe(a);
    expect(send({ type: REQUEST, mac: MAC_B, requested: a, server: SERVER_IP })!.type).toBe(NAK);
    lease(MAC_A);
    expect(send({ type: DISCOVER, mac: MAC_B })).toBeNull(); // the one left is the declined one
    clock.t += 600_000;
    expect(send({ type: DISCOVER, mac: MAC_B })!.yiaddr).toBe(a);
  });

  it('does not let a client decline an address it does not hold', () => {
    const { server, lease, send } = setup();
    const a = lease(MAC_A);
    send({ type: DECLINE, mac: MAC_B, requested: a, server: SERVER_IP });
    send({ type: DECLINE, mac: MAC_A, requested: '10.0.2.150', server: SERVER_IP });
    expect(server.list()).toEqual([expect.objectContaining({ mac: MAC_A, address: a })]);
    expect(send({ type: DISCOVER, mac: MAC_C, requested: '10.0.2.150' })!.yiaddr).toBe('10.0.2.150');
  });

  it('does not offer an expired lease left outside a range that has since shrunk', () => {
    const { server, lease, send, clock } = setup({ first: '10.0.2.100', last: '10.0.2.101' });
    lease(MAC_A);
    lease(MAC_B);
    server.reconfigure(config({ first: '10.0.2.101', last: '10.0.2.101' }), IDENTITY);
    clock.t += 2 * LEASE_SECONDS * 1000; // both leases expired; A's address is no longer in the range
    const offer = send({ type: DISCOVER, mac: MAC_C })!;
    expect(offer.yiaddr).toBe('10.0.2.101');
    expect(send({ type: REQUEST, mac: MAC_C, requested: offer.yiaddr, server: SERVER_IP })!.type).toBe(ACK);
    expect(send({ type: DISCOVER, mac: MAC_D })).toBeNull();
  });
});
