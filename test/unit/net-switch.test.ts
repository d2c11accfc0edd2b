import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Firewall, type FirewallPolicy } from '../../main/net/firewall.js';
import { BROADCAST_MAC, ETH_HEADER, ethernet, udpFrame } from '../../main/net/frame.js';
import { ipToInt } from '../../main/net/ipv4.js';
import { PcapWriter } from '../../main/net/pcap-writer.js';
import { GROUP_BURST, GROUP_FRAMES_PER_SECOND, VirtualSwitch, type SwitchPort } from '../../main/net/virtual-switch.js';
import { framesOf } from '../helpers/pcap.js';
import { tempDir } from '../helpers/temp-dir.js';

const MAC_A = '02:6b:61:00:00:0a';
const MAC_B = '02:6b:61:00:00:0b';
const MAC_C = '02:6b:61:00:00:0c';
const MULTICAST = '01:00:5e:00:00:fb';
/** IEEE's local experimental EtherType: the switch does not care what a frame carries. */
const ETHERTYPE_TEST = 0x88b5;

const OPEN: FirewallPolicy = { rules: [], defaultIn: 'allow', defaultOut: 'allow', forwards: [] };

/** A port that records what the switch hands it; `full` makes it refuse, as a link with a full queue does. */
class TestPort implements SwitchPort {
  readonly received: Uint8Array[] = [];
  full = false;
  constructor(
    readonly id: string,
    readonly mac: string | null,
  ) {}
  deliver(frame: Uint8Array): boolean {
    if (this.full) return false;
    this.received.push(frame);
    return true;
  }
  /** The tags (first payload byte) of the frames received, in order. */
  get tags(): number[] {
    return this.received.map((f) => f[ETH_HEADER]!);
  }
}

/** A frame of `size` bytes from `src` to `dst`, its first payload byte a tag to tell frames apart. */
function frame(dst: string, src: string, tag: number, size = 60): Uint8Array {
  const f = ethernet(dst, src, ETHERTYPE_TEST, size - ETH_HEADER);
  f[ETH_HEADER] = tag;
  return f;
}

function setup(opts: { mtu?: number; policy?: FirewallPolicy } = {}) {
  const clock = { t: 1_000_000 };
  const sw = new VirtualSwitch(opts.mtu ?? 1500, new Firewall(opts.policy ?? OPEN, () => clock.t), () => clock.t);
  const a = new TestPort('vm-a/0', MAC_A);
  const b = new TestPort('vm-b/0', MAC_B);
  const c = new TestPort('vm-c/0', MAC_C);
  for (const p of [a, b, c]) sw.attach(p);
  return { sw, clock, a, b, c };
}

describe('VirtualSwitch forwarding', () => {
  it('floods unknown unicast to every other port, then sends to the learnt port only', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, frame(MAC_B, MAC_A, 1)); // B unknown yet: flooded
    expect(a.tags).toEqual([]);
    expect(b.tags).toEqual([1]);
    expect(c.tags).toEqual([1]);

    sw.input(b.id, frame(MAC_A, MAC_B, 2)); // A was learnt from frame 1
    expect(a.tags).toEqual([2]);
    expect(c.tags).toEqual([1]);

    sw.input(a.id, frame(MAC_B, MAC_A, 3)); // B was learnt from frame 2
    expect(b.tags).toEqual([1, 3]);
    expect(c.tags).toEqual([1]);
    expect(sw.portOfMac(MAC_A)).toBe(a.id);
    expect(sw.portOfMac(MAC_B)).toBe(b.id);
    expect(sw.portOfMac(MAC_C)).toBeNull();
  });

  it('floods broadcast and multicast to every other port, never back to the sender, even once the sender is learnt', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, frame(MAC_B, MAC_A, 0));
    for (const p of [a, b, c]) p.received.length = 0;
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1));
    sw.input(a.id, frame(MULTICAST, MAC_A, 2));
    sw.input(b.id, frame(BROADCAST_MAC, MAC_B, 3));
    expect(a.tags).toEqual([3]);
    expect(b.tags).toEqual([1, 2]);
    expect(c.tags).toEqual([1, 2, 3]);
  });

  it('does not send a frame back out of the port it came in on when its destination was learnt there', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 0));
    for (const p of [a, b, c]) p.received.length = 0;
    sw.input(a.id, frame(MAC_A, MAC_A, 1));
    expect([a.tags, b.tags, c.tags]).toEqual([[], [], []]);
  });

  it('relearns a MAC that moved to another port, and floods again once an entry is five minutes old', () => {
    const { sw, clock, a, b, c } = setup();
    const roaming = '02:00:00:00:00:99'; // a MAC no port was given: a bridge inside a guest
    sw.input(a.id, frame(BROADCAST_MAC, roaming, 0));
    expect(sw.portOfMac(roaming)).toBe(a.id);
    sw.input(c.id, frame(BROADCAST_MAC, roaming, 0));
    expect(sw.portOfMac(roaming)).toBe(c.id);
    for (const p of [a, b, c]) p.received.length = 0;

    sw.input(b.id, frame(roaming, MAC_B, 1));
    expect([a.tags, c.tags]).toEqual([[], [1]]);

    clock.t += 299_999;
    sw.input(b.id, frame(roaming, MAC_B, 2));
    expect([a.tags, c.tags]).toEqual([[], [1, 2]]);
    clock.t += 300_000; // the entry was not refreshed by frames *to* it
    sw.input(b.id, frame(roaming, MAC_B, 3));
    expect([a.tags, c.tags]).toEqual([[3], [1, 2, 3]]);
  });

  it('learns at most 256 MACs from one port: a guest cycling source MACs neither grows the table nor evicts others', () => {
    const { sw, a, b, c } = setup();
    sw.input(b.id, frame(BROADCAST_MAC, MAC_B, 0));
    const mac = (i: number) => `02:ee:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
    for (let i = 0; i < 5000; i++) sw.input(c.id, frame(MAC_A, mac(i), 1));
    expect(sw.portOfMac(mac(255))).toBe(c.id); // the first 256
    expect(sw.portOfMac(mac(256))).toBeNull();
    expect(sw.portOfMac(mac(4999))).toBeNull();
    expect(a.tags.filter((t) => t === 1)).toHaveLength(5000); // still passed on
    expect(sw.portOfMac(MAC_B)).toBe(b.id);
    a.received.length = 0;
    c.received.length = 0;
    sw.input(a.id, frame(MAC_B, MAC_A, 2));
    expect(b.tags.at(-1)).toBe(2);
    expect(c.tags).toEqual([]);
    // C's own MAC is learnt all the same: what is meant for C is not flooded to the others.
    sw.input(c.id, frame(BROADCAST_MAC, MAC_C, 3));
    sw.input(a.id, frame(MAC_C, MAC_A, 4));
    expect(c.tags).toEqual([4]);
    expect(b.tags.at(-1)).toBe(3);
  });

  it('forgets the MACs learnt on a port when it is detached', () => {
    const { sw, a, b, c } = setup();
    sw.input(b.id, frame(BROADCAST_MAC, MAC_B, 0));
    sw.detach(b.id);
    expect(sw.has(b.id)).toBe(false);
    expect(sw.portOfMac(MAC_B)).toBeNull();
    expect(sw.countersOf(b.id)).toBeNull();
    sw.input(b.id, frame(MAC_A, MAC_B, 9)); // a detached port's frames go nowhere
    expect(a.tags).toEqual([0]);
    sw.input(a.id, frame(MAC_B, MAC_A, 1));
    expect(c.tags).toEqual([0, 1]);
  });

  it('keeps the IPv4 source addresses a guest port uses, but not 0.0.0.0 (a DHCP client) and not the gateway port', () => {
    const { sw, a } = setup();
    const gw = new TestPort('gateway', null);
    sw.attach(gw);
    const udp = (src: string, from: string) => udpFrame(BROADCAST_MAC, from, ipToInt(src), 0xffffffff, 68, 67, new Uint8Array(4));
    sw.input(a.id, udp('0.0.0.0', MAC_A));
    sw.input(a.id, udp('10.0.2.100', MAC_A));
    sw.input(a.id, udp('10.0.2.100', MAC_A));
    sw.input(gw.id, udp('10.0.2.1', '02:6b:67:00:00:01'));
    expect(sw.addressesOf(a.id)).toEqual(['10.0.2.100']);
    expect(sw.addressesOf(gw.id)).toEqual([]);
  });

  it('never passes a frame between two switches, even when their ports use the same MACs', () => {
    const one = setup();
    const two = setup();
    one.sw.input(one.a.id, frame(BROADCAST_MAC, MAC_A, 1));
    one.sw.input(one.a.id, frame(MAC_B, MAC_A, 2));
    two.sw.input(two.b.id, frame(MAC_A, MAC_B, 3));
    expect(one.b.tags).toEqual([1, 2]);
    expect(one.a.tags).toEqual([]);
    expect(one.c.tags).toEqual([1, 2]);
    expect(two.a.tags).toEqual([3]);
    expect(two.b.tags).toEqual([]);
    expect(two.c.tags).toEqual([3]);
  });
});

describe('VirtualSwitch drops', () => {
  it('drops frames shorter than an Ethernet header as malformed', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, new Uint8Array(13));
    sw.input(a.id, new Uint8Array(0));
    expect(sw.drops.malformed).toBe(2);
    expect(sw.countersOf(a.id)).toMatchObject({ rxFrames: 2, rxBytes: 13, dropped: 2 });
    expect(b.received.length + c.received.length).toBe(0);
  });

  it('passes a frame of MTU + 18 bytes (header, VLAN tag) and drops one byte more as oversized', () => {
    const { sw, a, b } = setup({ mtu: 1500 });
    sw.input(a.id, frame(MAC_B, MAC_A, 1, 1518));
    sw.input(a.id, frame(MAC_B, MAC_A, 2, 1519));
    sw.input(a.id, frame(MAC_B, MAC_A, 3, 9018));
    expect(b.tags).toEqual([1]);
    expect(sw.drops.oversized).toBe(2);
    expect(sw.countersOf(a.id)!.dropped).toBe(2);

    sw.setMtu(9000); // jumbo frames once the network allows them
    sw.input(a.id, frame(MAC_B, MAC_A, 4, 9018));
    sw.input(a.id, frame(MAC_B, MAC_A, 5, 9019));
    expect(b.tags).toEqual([1, 4]);
    expect(sw.drops.oversized).toBe(3);
  });

  it('drops a frame whose source MAC is a group address, and learns nothing from it', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, frame(MAC_B, BROADCAST_MAC, 1));
    sw.input(a.id, frame(MAC_B, MULTICAST, 2));
    expect(sw.drops.malformed).toBe(2);
    expect(b.received.length + c.received.length).toBe(0);
    expect(sw.portOfMac(BROADCAST_MAC)).toBeNull();
    expect(sw.portOfMac(MULTICAST)).toBeNull();
  });

  it("drops a frame sent with another port's MAC as spoofed, before and after the owner has talked", () => {
    const { sw, a, b, c } = setup();
    sw.input(c.id, frame(BROADCAST_MAC, MAC_A, 1)); // A has not sent anything yet
    expect(sw.drops.spoofed).toBe(1);
    expect(sw.portOfMac(MAC_A)).toBeNull();

    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 2));
    sw.input(c.id, frame(MAC_B, MAC_A, 3));
    sw.input(c.id, frame(BROADCAST_MAC, MAC_A, 4));
    expect(sw.drops.spoofed).toBe(3);
    expect(sw.countersOf(c.id)).toMatchObject({ rxFrames: 3, dropped: 3 });
    expect(sw.portOfMac(MAC_A)).toBe(a.id);

    // The victim still gets what is meant for it, and the spoofer does not.
    c.received.length = 0;
    sw.input(b.id, frame(MAC_A, MAC_B, 5));
    expect(a.tags).toEqual([5]);
    expect(c.tags).toEqual([]);
    expect(b.tags).toEqual([2]);
  });

  it("does not let the gateway port use a guest's MAC either", () => {
    const { sw, a, b } = setup();
    const gw = new TestPort('gateway', null);
    sw.attach(gw);
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1));
    sw.input(gw.id, frame(MAC_B, MAC_A, 2));
    expect(sw.drops.spoofed).toBe(1);
    expect(b.tags).toEqual([1]);
    expect(sw.portOfMac(MAC_A)).toBe(a.id);
  });

  it("does not let a guest take over the MAC the gateway speaks with", () => {
    const { sw, a, b, c } = setup();
    const gw = new TestPort('gateway', null);
    sw.attach(gw);
    const GATEWAY_MAC = '02:6b:67:00:00:01';
    sw.input(gw.id, frame(BROADCAST_MAC, GATEWAY_MAC, 0));
    sw.input(c.id, frame(BROADCAST_MAC, GATEWAY_MAC, 1));
    sw.input(c.id, frame(MAC_A, GATEWAY_MAC, 2));
    expect(sw.drops.spoofed).toBe(2);
    expect(sw.portOfMac(GATEWAY_MAC)).toBe(gw.id);
    gw.received.length = 0;
    sw.input(a.id, frame(GATEWAY_MAC, MAC_A, 3));
    expect(gw.tags).toEqual([3]);
    expect([a.tags, b.tags, c.tags]).toEqual([[0], [0], [0]]);
  });

  it("cuts one port's broadcast storm to its burst and rate while another port's unicast still flows", () => {
    const { sw, clock, a, b, c } = setup();
    sw.input(c.id, frame(BROADCAST_MAC, MAC_C, 0)); // C learnt
    b.received.length = 0;
    const sent = GROUP_BURST + 500;
    for (let i = 0; i < sent; i++) {
      sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1));
      if (i % 100 === 0) sw.input(b.id, frame(MAC_C, MAC_B, 2));
    }
    expect(sw.drops.flood).toBe(500);
    expect(sw.countersOf(a.id)).toMatchObject({ rxFrames: sent, dropped: 500 });
    expect(b.tags.filter((t) => t === 1)).toHaveLength(GROUP_BURST);
    expect(c.tags.filter((t) => t === 1)).toHaveLength(GROUP_BURST);
    expect(c.tags.filter((t) => t === 2)).toHaveLength(Math.ceil(sent / 100));
    expect(sw.countersOf(b.id)!.dropped).toBe(0);

    // B's own broadcasts have their own allowance.
    sw.input(b.id, frame(BROADCAST_MAC, MAC_B, 3));
    expect(c.tags.at(-1)).toBe(3);

    // The bucket refills at the rate: one frame's worth of time lets one more through, not a burst.
    clock.t += Math.ceil(1000 / GROUP_FRAMES_PER_SECOND);
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 4));
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 5));
    expect(c.tags.slice(-1)).toEqual([4]);
    expect(sw.drops.flood).toBe(501);
    // A second later the whole burst is back, and no more.
    clock.t += 1000;
    for (let i = 0; i < GROUP_BURST + 10; i++) sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 6));
    expect(c.tags.filter((t) => t === 6)).toHaveLength(GROUP_BURST);
  });

  it('counts a frame a port could not take as dropped on that port, and still delivers to the others', () => {
    const { sw, a, b, c } = setup();
    b.full = true;
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1, 100));
    expect(c.tags).toEqual([1]);
    expect(sw.countersOf(b.id)).toMatchObject({ txFrames: 0, txBytes: 0, dropped: 1 });
    expect(sw.countersOf(c.id)).toMatchObject({ txFrames: 1, txBytes: 100, dropped: 0 });
    expect(sw.countersOf(a.id)).toMatchObject({ rxFrames: 1, rxBytes: 100, dropped: 0 });
  });

  it('keeps per-port counters: bytes and frames in from each sender, out to each receiver', () => {
    const { sw, a, b, c } = setup();
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1, 100)); // to B and C
    sw.input(b.id, frame(MAC_A, MAC_B, 2, 200)); // to A only
    sw.input(c.id, frame(MAC_B, MAC_C, 3, 300)); // to B only
    sw.input(c.id, new Uint8Array(5)); // dropped
    expect(sw.countersOf(a.id)).toEqual({ rxFrames: 1, rxBytes: 100, txFrames: 1, txBytes: 200, dropped: 0 });
    expect(sw.countersOf(b.id)).toEqual({ rxFrames: 1, rxBytes: 200, txFrames: 2, txBytes: 400, dropped: 0 });
    expect(sw.countersOf(c.id)).toEqual({ rxFrames: 2, rxBytes: 305, txFrames: 1, txBytes: 100, dropped: 1 });
    expect(sw.drops).toEqual({ malformed: 1, oversized: 0, firewall: 0, flood: 0, spoofed: 0, noRoute: 0 });
    expect(sw.countersOf('nobody')).toBeNull();
  });

  it('asks the firewall on the way out of a guest and on the way into each guest, never for the gateway port', () => {
    const guestA = ipToInt('10.0.2.10');
    const guestB = ipToInt('10.0.2.11');
    const host = ipToInt('10.0.2.1');
    // Nothing may leave a VM for B, and nothing may reach a VM from A.
    const policy: FirewallPolicy = {
      rules: [
        { action: 'deny', direction: 'out', protocol: 'any', peer: '10.0.2.11', ports: null, note: '' },
        { action: 'deny', direction: 'in', protocol: 'any', peer: '10.0.2.10', ports: null, note: '' },
      ],
      defaultIn: 'allow',
      defaultOut: 'allow',
      forwards: [],
    };
    const { sw, a, b, c } = setup({ policy });
    const gw = new TestPort('gateway', null);
    sw.attach(gw);
    const data = new Uint8Array(8);
    sw.input(c.id, udpFrame(MAC_B, MAC_C, ipToInt('10.0.2.12'), guestB, 5000, 53, data)); // C to B: out denied
    expect(b.received).toHaveLength(0);
    expect(sw.drops.firewall).toBe(1);
    expect(sw.countersOf(c.id)!.dropped).toBe(1);

    sw.input(a.id, udpFrame(BROADCAST_MAC, MAC_A, guestA, host, 5000, 53, data)); // from A: out fine, into guests denied
    expect(gw.received).toHaveLength(1);
    expect(b.received.length + c.received.length).toBe(0);
    expect(sw.drops.firewall).toBe(3);
    expect(sw.countersOf(b.id)!.dropped).toBe(1);

    sw.input(gw.id, udpFrame(MAC_B, '02:6b:67:00:00:01', host, guestB, 53, 5000, data)); // the gateway's own frame to B
    expect(b.received).toHaveLength(1);
  });

  it("lets the network's own answers (DHCP, ARP) through a deny-everything-inbound policy, but not the uplink's traffic", () => {
    const policy: FirewallPolicy = { rules: [], defaultIn: 'deny', defaultOut: 'allow', forwards: [] };
    const { sw, b } = setup({ policy });
    const gw = new TestPort('gateway', null);
    sw.attach(gw);
    const host = ipToInt('10.0.2.1');
    const offer = udpFrame(MAC_B, '02:6b:67:00:00:01', host, 0xffffffff, 67, 68, new Uint8Array(8));
    sw.input(gw.id, offer, true); // the gateway node's DHCP server answering
    expect(b.received).toHaveLength(1);
    sw.input(gw.id, udpFrame(MAC_B, '02:6b:67:00:00:01', ipToInt('192.0.2.9'), ipToInt('10.0.2.11'), 80, 40000, new Uint8Array(8))); // from outside, unasked
    expect(b.received).toHaveLength(1);
    expect(sw.drops.firewall).toBe(3); // B's MAC is not learnt yet: flooded to all three guests, each refuses it
  });

  it('captures each frame it accepts once, however many ports it goes to, and nothing it drops', async () => {
    const { sw, a, b } = setup();
    const file = path.join(tempDir('switch-capture'), 'net.pcap');
    const writer = new PcapWriter(file);
    sw.capture = writer;
    sw.input(a.id, frame(BROADCAST_MAC, MAC_A, 1)); // to two ports
    sw.input(b.id, frame(MAC_A, MAC_B, 2)); // to one
    sw.input(b.id, frame(MAC_B, MAC_A, 3)); // spoofed
    sw.input(b.id, frame(MAC_A, MAC_B, 4, 2000)); // oversized
    sw.input(a.id, frame(MAC_A, MAC_A, 5)); // accepted, goes nowhere (its destination is its own port)
    sw.capture = null;
    await writer.close();
    expect(writer.frames).toBe(3);
    const frames = framesOf(readFileSync(file));
    expect(frames.map((f) => f.data[ETH_HEADER])).toEqual([1, 2, 5]);
    expect(frames.map((f) => [f.src, f.dst])).toEqual([
      [MAC_A, BROADCAST_MAC],
      [MAC_B, MAC_A],
      [MAC_A, MAC_A],
    ]);
    expect(frames[0]!.data.length).toBe(60);
  });
});
