import type { PortForward } from '../api/networks.js';
import type { Uplink } from './gateway-node.js';
import { ipToInt } from './ipv4.js';
import { PASST_MISSING, PasstLink, type PasstOptions } from './passt-link.js';

export interface UplinkConfig {
  binary: string | null;
  gatewayIp: number;
  gatewayMac: string;
  prefixBits: number;
  forwards: PortForward[];
}

const RESTART_PAUSE_MS = 1000;

/**
 * A network's uplink: one passt per guest (by MAC), started when the guest first talks past the gateway or
 * when a port forward names its address, and started again (with the new forwards) when those change.
 */
export class PasstUplink implements Uplink {
  private readonly links = new Map<string, PasstLink>();
  private readonly failedAt = new Map<string, number>();
  lastError: string | null = null;

  constructor(
    private config: UplinkConfig,
    private readonly toGuest: (frame: Uint8Array, guestMac: string) => void,
  ) {}

  reconfigure(config: UplinkConfig): void {
    const changed = JSON.stringify(config) !== JSON.stringify(this.config);
    this.config = config;
    if (changed) this.stopAll(); // started again, with the new settings, by the next frame or forward
  }

  send(frame: Uint8Array, guestMac: string, guestIp: number): boolean {
    const link = this.ensure(guestMac, guestIp);
    return link ? link.send(frame) : false;
  }

  /** Guests known by address (DHCP leases, traffic seen): those a forward names get their passt now. */
  reconcile(guests: { mac: string; ip: string }[]): void {
    for (const g of guests) {
      const wanted = this.forwardsFor(ipToInt(g.ip));
      const link = this.links.get(g.mac);
      if (wanted.length && (!link || link.options.guestIp !== ipToInt(g.ip))) this.ensure(g.mac, ipToInt(g.ip));
    }
  }

  private forwardsFor(ip: number): PortForward[] {
    return this.config.forwards.filter((f) => ipToInt(f.guestAddress) === ip);
  }

  private ensure(mac: string, ip: number): PasstLink | null {
    const existing = this.links.get(mac);
    if (existing && !existing.exited && existing.options.guestIp === ip) return existing;
    if (!this.config.binary) {
      this.lastError = PASST_MISSING;
      return null;
    }
    if (Date.now() - (this.failedAt.get(mac) ?? 0) < RESTART_PAUSE_MS) return null;
    existing?.stop();
    const options: PasstOptions = { ...this.config, binary: this.config.binary, guestMac: mac, guestIp: ip, forwards: this.forwardsFor(ip) };
    const link = new PasstLink(options, (f) => this.toGuest(f, mac), (why) => {
      if (this.links.get(mac) !== link) return;
      this.links.delete(mac);
      this.failedAt.set(mac, Date.now());
      this.lastError = why;
    });
    this.links.set(mac, link);
    link.start();
    return link;
  }

  forget(mac: string): void {
    this.links.get(mac)?.stop();
    this.links.delete(mac);
  }

  stopAll(): void {
    for (const l of this.links.values()) l.stop();
    this.links.clear();
  }
}
