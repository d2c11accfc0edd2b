import type { DropCounters, PortCounters } from '../api/networks.js';
import type { Firewall } from './firewall.js';
import { ETH_HEADER, isGroupMac, macAt } from './frame.js';
import type { PcapWriter } from './pcap-writer.js';

/** One port of a switch: a VM's NIC (through its engine link) or the network's own node (the gateway). */
export interface SwitchPort {
  readonly id: string;
  /** The MAC the library gave this NIC; no other port may send with it. Null for the gateway. */
  readonly mac: string | null;
  /** Hands a frame to whatever is behind the port; false when it could not take it (a full link). */
  deliver(frame: Uint8Array): boolean;
}

interface PortState {
  port: SwitchPort;
  counters: PortCounters;
  /** Broadcast and multicast frames it may still send this second (a storm is cut, not passed on). */
  groupTokens: number;
  refilledAt: number;
  addresses: Set<string>;
  /** Entries this port holds in the MAC table. */
  macs: number;
}

const MAC_AGE_MS = 300_000;
/** MACs one port may hold in the table: plenty for a bridge in a guest; a guest cycling source MACs cannot grow it without bound. */
const MAX_MACS_PER_PORT = 256;
/**
 * Storm control: the group frames (broadcast, multicast) a port may send, as a token bucket: GROUP_BURST at
 * once, refilled at GROUP_FRAMES_PER_SECOND. Far above what ARP, DHCP and discovery protocols need; far below
 * what floods an emulated NIC's receive ring (a burst of a few hundred made the test guest's NE2000 overrun
 * and lose its own pings, 2000 a second in bursts drowned it).
 */
export const GROUP_FRAMES_PER_SECOND = 300;
export const GROUP_BURST = 64;
const MIN_FRAME = ETH_HEADER;

/**
 * A learning Ethernet switch for one virtual network. Frames go to the port that last sent from their
 * destination MAC, or to every port when the destination is a group address or not yet learned. What the
 * switch will not pass (malformed, too big, spoofed, a storm, a firewall rule) is dropped and counted; one
 * misbehaving guest never stops the others. Frames never leave the switch they entered.
 */
export class VirtualSwitch {
  private readonly ports = new Map<string, PortState>();
  /** The MACs the library gave the attached ports: no other port may send with one. */
  private readonly configured = new Set<string>();
  private readonly table = new Map<string, { port: PortState; at: number }>();
  readonly drops: DropCounters = { malformed: 0, oversized: 0, firewall: 0, flood: 0, spoofed: 0, noRoute: 0 };
  capture: PcapWriter | null = null;

  constructor(
    private mtu: number,
    private readonly firewall: Firewall,
    private readonly now: () => number = Date.now,
  ) {}

  setMtu(mtu: number): void {
    this.mtu = mtu;
  }

  attach(port: SwitchPort): void {
    this.detach(port.id);
    if (port.mac !== null) this.configured.add(port.mac);
    this.ports.set(port.id, { port, counters: { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, dropped: 0 }, groupTokens: GROUP_BURST, refilledAt: this.now(), addresses: new Set(), macs: 0 });
  }

  detach(id: string): void {
    const st = this.ports.get(id);
    if (!st) return;
    this.ports.delete(id);
    if (st.port.mac !== null) this.configured.delete(st.port.mac);
    for (const [mac, e] of this.table) if (e.port === st) this.table.delete(mac);
  }

  has(id: string): boolean {
    return this.ports.has(id);
  }

  countersOf(id: string): PortCounters | null {
    return this.ports.get(id)?.counters ?? null;
  }

  /**
   * A frame a port sent into the switch. Guest ports pass the firewall's `out` check; the gateway does not.
   * `service`: the network's own answer (ARP, DHCP, ping of the gateway), which no rule blocks, or a network
   * that denies what comes in could never hand out an address.
   */
  input(id: string, frame: Uint8Array, service = false): void {
    const from = this.ports.get(id);
    if (!from) return;
    const c = from.counters;
    c.rxFrames++;
    c.rxBytes += frame.length;
    const why = this.refuse(from, frame);
    if (why) {
      this.drops[why]++;
      c.dropped++;
      return;
    }
    this.learn(from, frame);
    this.capture?.write(frame);
    if (isGroupMac(frame, 0)) {
      for (const to of this.ports.values()) if (to !== from) this.send(to, frame, service);
      return;
    }
    const dst = this.table.get(macAt(frame, 0));
    if (dst && this.now() - dst.at < MAC_AGE_MS) {
      if (dst.port !== from) this.send(dst.port, frame, service);
      return;
    }
    for (const to of this.ports.values()) if (to !== from) this.send(to, frame, service); // unknown unicast: flood
  }

  /** Why a frame from this port is not passed on, or null. */
  private refuse(from: PortState, frame: Uint8Array): keyof DropCounters | null {
    if (frame.length < MIN_FRAME || isGroupMac(frame, 6)) return 'malformed';
    if (frame.length > this.mtu + ETH_HEADER + 4) return 'oversized'; // +4: room for a VLAN tag
    const src = macAt(frame, 6);
    const owner = this.table.get(src);
    if (from.port.mac !== null && src !== from.port.mac && this.configured.has(src)) return 'spoofed';
    // Nor with one learnt on the port that was given it, nor one the network's own node (the gateway) speaks with.
    if (owner && owner.port !== from && (owner.port.port.mac === src || (owner.port.port.mac === null && from.port.mac !== null))) return 'spoofed';
    if (isGroupMac(frame, 0) && !this.takeGroupToken(from)) return 'flood';
    if (from.port.mac !== null && !this.firewall.allows(frame, 'out')) return 'firewall';
    return null;
  }

  private takeGroupToken(st: PortState): boolean {
    const at = this.now();
    st.groupTokens = Math.min(GROUP_BURST, st.groupTokens + ((at - st.refilledAt) * GROUP_FRAMES_PER_SECOND) / 1000);
    st.refilledAt = at;
    if (st.groupTokens < 1) return false;
    st.groupTokens--;
    return true;
  }

  private learn(from: PortState, frame: Uint8Array): void {
    const mac = macAt(frame, 6);
    const entry = this.table.get(mac);
    if (entry?.port === from) entry.at = this.now();
    else if (from.macs < MAX_MACS_PER_PORT || mac === from.port.mac) {
      if (entry) entry.port.macs--;
      this.table.set(mac, { port: from, at: this.now() });
      from.macs++;
    } // else: passed on but not learnt (frames for it are flooded); a port's own MAC is always learnt
    if (from.port.mac !== null && frame[12] === 0x08 && frame[13] === 0x00 && frame.length >= 34) {
      const src = `${frame[26]}.${frame[27]}.${frame[28]}.${frame[29]}`;
      if (src !== '0.0.0.0' && from.addresses.size < 8) from.addresses.add(src);
    }
  }

  addressesOf(id: string): string[] {
    return [...(this.ports.get(id)?.addresses ?? [])];
  }

  /** Which port (by id) a MAC was last seen on. */
  portOfMac(mac: string): string | null {
    return this.table.get(mac)?.port.port.id ?? null;
  }

  private send(to: PortState, frame: Uint8Array, service = false): void {
    if (!service && to.port.mac !== null && !this.firewall.allows(frame, 'in')) {
      this.drops.firewall++;
      to.counters.dropped++;
      return;
    }
    if (!to.port.deliver(frame)) {
      to.counters.dropped++;
      return;
    }
    to.counters.txFrames++;
    to.counters.txBytes += frame.length;
  }
}
