import { describe, expect, it } from 'vitest';
import type { FirewallRule, PortForward } from '../../main/api/networks.js';
import { Firewall, type FirewallPolicy } from '../../main/net/firewall.js';
import { arpReply, BROADCAST_MAC, ethernet, ipv4Frame, PROTO_ICMP, PROTO_TCP, put16, udpFrame } from '../../main/net/frame.js';
import { ipToInt } from '../../main/net/ipv4.js';

const GUEST_MAC = '02:6b:61:00:00:0a';
const OTHER_MAC = '02:6b:67:00:00:01';
const GUEST = '10.0.2.15';
const WEB = '93.184.216.34';
const SYN = 0x02;
const ACK = 0x10;

/** A TCP segment (a bare header) from src:sport to dst:dport. */
function tcp(src: string, sport: number, dst: string, dport: number, flags = SYN): Uint8Array {
  const { frame, payload } = ipv4Frame(OTHER_MAC, GUEST_MAC, ipToInt(src), ipToInt(dst), PROTO_TCP, 20);
  put16(frame, payload, sport);
  put16(frame, payload + 2, dport);
  frame[payload + 12] = 0x50; // data offset: 5 words
  frame[payload + 13] = flags;
  return frame;
}

function udp(src: string, sport: number, dst: string, dport: number): Uint8Array {
  return udpFrame(OTHER_MAC, GUEST_MAC, ipToInt(src), ipToInt(dst), sport, dport, new Uint8Array(12));
}

/** An ICMP echo request (8) or reply (0). */
function icmp(src: string, dst: string, type: 8 | 0): Uint8Array {
  const { frame, payload } = ipv4Frame(OTHER_MAC, GUEST_MAC, ipToInt(src), ipToInt(dst), PROTO_ICMP, 16);
  frame[payload] = type;
  return frame;
}

function rule(r: Partial<FirewallRule> & Pick<FirewallRule, 'action'>): FirewallRule {
  return { direction: 'both', protocol: 'any', peer: null, ports: null, note: '', ...r };
}

function policy(p: Partial<FirewallPolicy>): FirewallPolicy {
  return { rules: [], defaultIn: 'allow', defaultOut: 'allow', forwards: [], ...p };
}

function firewall(p: Partial<FirewallPolicy>) {
  const clock = { t: 5_000_000 };
  return { fw: new Firewall(policy(p), () => clock.t), clock };
}

describe('Firewall rules', () => {
  it('lets the first rule that names a packet decide, whatever comes after it', () => {
    const allowAdmin = rule({ action: 'allow', direction: 'in', protocol: 'tcp', peer: '192.168.1.5', ports: { from: 22, to: 22 } });
    const denySsh = rule({ action: 'deny', direction: 'in', protocol: 'tcp', ports: { from: 22, to: 22 } });
    const { fw } = firewall({ rules: [allowAdmin, denySsh] });
    expect(fw.allows(tcp('192.168.1.5', 50000, GUEST, 22), 'in')).toBe(true);
    expect(fw.allows(tcp('192.168.1.6', 50000, GUEST, 22), 'in')).toBe(false);
    expect(fw.allows(tcp('192.168.1.6', 50000, GUEST, 23), 'in')).toBe(true); // neither names it: the default

    const { fw: reversed } = firewall({ rules: [denySsh, allowAdmin] });
    expect(reversed.allows(tcp('192.168.1.5', 50000, GUEST, 22), 'in')).toBe(false);
  });

  it('applies an `in` rule only to what arrives at a VM, an `out` rule only to what a VM sends, `both` to each', () => {
    const { fw: inOnly } = firewall({ rules: [rule({ action: 'deny', direction: 'in' })] });
    expect(inOnly.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(false);
    expect(inOnly.allows(udp(GUEST, 40001, WEB, 53), 'out')).toBe(true);

    const { fw: outOnly } = firewall({ rules: [rule({ action: 'deny', direction: 'out' })] });
    expect(outOnly.allows(udp(GUEST, 40000, WEB, 53), 'out')).toBe(false);
    expect(outOnly.allows(udp(WEB, 53, GUEST, 40001), 'in')).toBe(true);

    const { fw: both } = firewall({ rules: [rule({ action: 'deny', direction: 'both' })] });
    expect(both.allows(udp(GUEST, 40000, WEB, 53), 'out')).toBe(false);
    expect(both.allows(udp(WEB, 53, GUEST, 40001), 'in')).toBe(false);
  });

  it('matches the protocol a rule names, and `any` matches TCP, UDP and ICMP alike', () => {
    const { fw } = firewall({ rules: [rule({ action: 'deny', protocol: 'udp' })] });
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(false);
    expect(fw.allows(tcp(WEB, 53, GUEST, 40000), 'in')).toBe(true);
    expect(fw.allows(icmp(WEB, GUEST, 8), 'in')).toBe(true);

    const { fw: icmpOnly } = firewall({ rules: [rule({ action: 'deny', protocol: 'icmp' })] });
    expect(icmpOnly.allows(icmp(WEB, GUEST, 8), 'in')).toBe(false);
    expect(icmpOnly.allows(tcp(WEB, 1000, GUEST, 80), 'in')).toBe(true);

    const { fw: any } = firewall({ defaultIn: 'deny', rules: [rule({ action: 'allow', protocol: 'any', peer: '10.9.0.0/16' })] });
    expect(any.allows(tcp('10.9.1.1', 1000, GUEST, 80), 'in')).toBe(true);
    expect(any.allows(udp('10.9.1.2', 1000, GUEST, 80), 'in')).toBe(true);
    expect(any.allows(icmp('10.9.1.3', GUEST, 8), 'in')).toBe(true);
  });

  it('reads the peer as the source of what comes in and the destination of what goes out, by CIDR', () => {
    const { fw } = firewall({ rules: [rule({ action: 'deny', peer: '172.16.4.0/22' })] });
    expect(fw.allows(udp('172.16.4.0', 1, GUEST, 9), 'in')).toBe(false);
    expect(fw.allows(udp('172.16.7.255', 2, GUEST, 9), 'in')).toBe(false);
    expect(fw.allows(udp('172.16.3.255', 3, GUEST, 9), 'in')).toBe(true);
    expect(fw.allows(udp('172.16.8.0', 4, GUEST, 9), 'in')).toBe(true);
    expect(fw.allows(udp(GUEST, 5, '172.16.5.5', 9), 'out')).toBe(false);
    expect(fw.allows(udp(GUEST, 6, '172.16.8.5', 9), 'out')).toBe(true);
    // The guest's own address is not the peer: a packet from a peer-range address out of the guest is not named.
    expect(fw.allows(udp('172.16.5.5', 7, WEB, 9), 'out')).toBe(true);

    const { fw: host } = firewall({ rules: [rule({ action: 'deny', peer: '8.8.8.8' })] }); // an address is a /32
    expect(host.allows(udp(GUEST, 8, '8.8.8.8', 53), 'out')).toBe(false);
    expect(host.allows(udp(GUEST, 9, '8.8.8.9', 53), 'out')).toBe(true);
  });

  it('matches a port range on the destination port, inclusive at both ends, and never matches ICMP with it', () => {
    const { fw } = firewall({ rules: [rule({ action: 'deny', direction: 'in', ports: { from: 8000, to: 8080 } })] });
    expect(fw.allows(tcp(WEB, 1000, GUEST, 7999), 'in')).toBe(true);
    expect(fw.allows(tcp(WEB, 1001, GUEST, 8000), 'in')).toBe(false);
    expect(fw.allows(udp(WEB, 1002, GUEST, 8080), 'in')).toBe(false);
    expect(fw.allows(tcp(WEB, 1003, GUEST, 8081), 'in')).toBe(true);
    expect(fw.allows(tcp(WEB, 8040, GUEST, 9000), 'in')).toBe(true); // a source port in the range is not named
    expect(fw.allows(icmp(WEB, GUEST, 8), 'in')).toBe(true);
  });

  it('lets the defaults decide what no rule names, each way on its own', () => {
    const { fw: closedIn } = firewall({ defaultIn: 'deny', defaultOut: 'allow' });
    expect(closedIn.allows(tcp(WEB, 1000, GUEST, 80), 'in')).toBe(false);
    expect(closedIn.allows(tcp(GUEST, 1000, WEB, 80), 'out')).toBe(true);

    const { fw: closedOut } = firewall({ defaultIn: 'allow', defaultOut: 'deny' });
    expect(closedOut.allows(tcp(WEB, 1000, GUEST, 80), 'in')).toBe(true);
    expect(closedOut.allows(tcp(GUEST, 1000, WEB, 80), 'out')).toBe(false);
  });

  it('always passes ARP, even when everything else is denied', () => {
    const { fw } = firewall({ defaultIn: 'deny', defaultOut: 'deny', rules: [rule({ action: 'deny' })] });
    const request = { op: 1, senderMac: GUEST_MAC, senderIp: ipToInt(GUEST), targetIp: ipToInt('10.0.2.1') };
    const reply = arpReply(request, OTHER_MAC, ipToInt('10.0.2.1'));
    expect(fw.allows(reply, 'in')).toBe(true);
    expect(fw.allows(reply, 'out')).toBe(true);
  });

  it('lets other non-IPv4 traffic (IPv6 here) follow the defaults, which rules cannot name', () => {
    const ipv6 = ethernet(BROADCAST_MAC, GUEST_MAC, 0x86dd, 60);
    const { fw } = firewall({ defaultIn: 'deny', defaultOut: 'allow', rules: [rule({ action: 'allow', direction: 'in' })] });
    expect(fw.allows(ipv6, 'in')).toBe(false);
    expect(fw.allows(ipv6, 'out')).toBe(true);
    const { fw: reverse } = firewall({ defaultIn: 'allow', defaultOut: 'deny', rules: [rule({ action: 'allow', direction: 'out' })] });
    expect(reverse.allows(ipv6, 'in')).toBe(true);
    expect(reverse.allows(ipv6, 'out')).toBe(false);
  });

  it('denies a TCP packet too short to hold its header where any rule or default filters, and reads nothing on an open network', () => {
    const { frame } = ipv4Frame(OTHER_MAC, GUEST_MAC, ipToInt(WEB), ipToInt(GUEST), PROTO_TCP, 10);
    const filtered = firewall({ defaultOut: 'deny' }).fw;
    expect(filtered.allows(frame, 'in')).toBe(false);
    // No rules, both defaults allow: a plain switch, which passes what it does not read.
    expect(firewall({}).fw.allows(frame, 'in')).toBe(true);
  });
});

describe('Firewall state', () => {
  const natLike = { defaultIn: 'deny', defaultOut: 'allow' } as const;

  it("passes the replies of a conversation a VM started through an inbound deny, but not a new inbound connection", () => {
    const { fw } = firewall(natLike);
    expect(fw.allows(tcp(GUEST, 40000, WEB, 80, SYN), 'out')).toBe(true);
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, SYN | ACK), 'in')).toBe(true);
    expect(fw.allows(tcp(GUEST, 40000, WEB, 80, ACK), 'out')).toBe(true);
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, ACK), 'in')).toBe(true);

    expect(fw.allows(tcp(WEB, 80, GUEST, 22, SYN), 'in')).toBe(false); // same peer, another service
    expect(fw.allows(tcp(WEB, 81, GUEST, 40000, SYN), 'in')).toBe(false); // same guest port, another peer port
    expect(fw.allows(tcp('93.184.216.35', 80, GUEST, 40000, SYN | ACK), 'in')).toBe(false); // another peer
    expect(fw.allows(udp(WEB, 80, GUEST, 40000), 'in')).toBe(false); // another protocol
  });

  it('passes UDP and ICMP echo replies the same way', () => {
    const { fw } = firewall(natLike);
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(false);
    expect(fw.allows(udp(GUEST, 40000, WEB, 53), 'out')).toBe(true);
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(true);

    expect(fw.allows(icmp(WEB, GUEST, 0), 'in')).toBe(false);
    expect(fw.allows(icmp(GUEST, WEB, 8), 'out')).toBe(true);
    expect(fw.allows(icmp(WEB, GUEST, 0), 'in')).toBe(true);
  });

  it('passes the replies of an allowed inbound conversation through an outbound deny, but not a new outbound one', () => {
    const { fw } = firewall({ defaultIn: 'deny', defaultOut: 'deny', rules: [rule({ action: 'allow', direction: 'in', protocol: 'tcp', ports: { from: 22, to: 22 } })] });
    expect(fw.allows(tcp(WEB, 50000, GUEST, 22, SYN), 'in')).toBe(true);
    expect(fw.allows(tcp(GUEST, 22, WEB, 50000, SYN | ACK), 'out')).toBe(true);
    expect(fw.allows(tcp(GUEST, 22, WEB, 50001, SYN | ACK), 'out')).toBe(false);
    expect(fw.allows(tcp(GUEST, 40000, WEB, 22, SYN), 'out')).toBe(false);
  });

  it('judges conversations afresh when the rules change: one the new rules forbid ends, the others go on', () => {
    const { fw } = firewall(natLike);
    fw.allows(tcp(GUEST, 40000, WEB, 80), 'out');
    fw.allows(tcp(GUEST, 40001, '1.1.1.1', 443), 'out');
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, ACK), 'in')).toBe(true);

    fw.update(policy({ ...natLike, rules: [rule({ action: 'deny', direction: 'out', peer: WEB })] }));
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, ACK), 'in')).toBe(false);
    expect(fw.allows(tcp(GUEST, 40000, WEB, 80, ACK), 'out')).toBe(false);
    expect(fw.allows(tcp('1.1.1.1', 443, GUEST, 40001, ACK), 'in')).toBe(true);

    // An update that changes nothing for a conversation (netd is told everything on any change) keeps it.
    fw.update(policy({ ...natLike, rules: [rule({ action: 'deny', direction: 'out', peer: WEB })], forwards: [] }));
    expect(fw.allows(tcp('1.1.1.1', 443, GUEST, 40001, ACK), 'in')).toBe(true);

    // And what was denied is judged by the new rules at once.
    fw.update(policy({ ...natLike, rules: [rule({ action: 'allow', direction: 'in', protocol: 'tcp', ports: { from: 22, to: 22 } })] }));
    expect(fw.allows(tcp(WEB, 50000, GUEST, 22), 'in')).toBe(true);
  });

  it('ends an inbound conversation when the rule that let it in goes', () => {
    const sshIn = rule({ action: 'allow', direction: 'in', protocol: 'tcp', ports: { from: 22, to: 22 } });
    const { fw } = firewall({ ...natLike, rules: [sshIn] });
    expect(fw.allows(tcp(WEB, 50000, GUEST, 22), 'in')).toBe(true);
    fw.update(policy(natLike));
    expect(fw.allows(tcp(WEB, 50000, GUEST, 22, ACK), 'in')).toBe(false);
  });

  it('lets a port forward in through an inbound deny: only its protocol, guest address and guest port', () => {
    const forward: PortForward = { protocol: 'tcp', hostPort: 2222, hostAddress: '127.0.0.1', guestAddress: GUEST, guestPort: 22 };
    const { fw } = firewall({ ...natLike, defaultOut: 'deny', forwards: [forward] });
    expect(fw.allows(tcp('10.0.2.1', 50000, GUEST, 22), 'in')).toBe(true);
    expect(fw.allows(tcp(GUEST, 22, '10.0.2.1', 50000, SYN | ACK), 'out')).toBe(true); // its replies, through the outbound deny
    expect(fw.allows(tcp('10.0.2.1', 50000, GUEST, 23), 'in')).toBe(false);
    expect(fw.allows(tcp('10.0.2.1', 50000, '10.0.2.16', 22), 'in')).toBe(false);
    expect(fw.allows(udp('10.0.2.1', 50000, GUEST, 22), 'in')).toBe(false);
    expect(fw.allows(tcp(GUEST, 50000, '10.0.2.1', 22), 'out')).toBe(false); // a forward is no way out
  });

  it('forgets a conversation idle longer than its protocol allows (UDP 2 minutes, ICMP 30 s, TCP an hour)', () => {
    const { fw, clock } = firewall(natLike);
    const start = clock.t;
    fw.allows(udp(GUEST, 40000, WEB, 53), 'out');
    fw.allows(icmp(GUEST, WEB, 8), 'out');
    fw.allows(tcp(GUEST, 40000, WEB, 80), 'out');

    clock.t = start + 30_000;
    expect(fw.allows(icmp(WEB, GUEST, 0), 'in')).toBe(true); // exactly at the limit: alive, and refreshed
    clock.t = start + 60_001;
    expect(fw.allows(icmp(WEB, GUEST, 0), 'in')).toBe(false);

    clock.t = start + 120_000;
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(true); // refreshes the flow
    clock.t = start + 240_000;
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(true);
    clock.t = start + 360_001;
    expect(fw.allows(udp(WEB, 53, GUEST, 40000), 'in')).toBe(false);

    clock.t = start + 3_600_000;
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, ACK), 'in')).toBe(true);
    clock.t = start + 7_200_001;
    expect(fw.allows(tcp(WEB, 80, GUEST, 40000, ACK), 'in')).toBe(false);
  });
});
