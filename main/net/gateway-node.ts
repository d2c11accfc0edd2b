import type { NetworkKind } from '../api/networks.js';
import { DhcpServer } from './dhcp-server.js';
import { arpReply, icmpEchoReply, macAt, parseArp, parseIpv4, parseTransport, PROTO_ICMP, PROTO_UDP } from './frame.js';
import type { SwitchPort } from './virtual-switch.js';
import type { Subnet } from './ipv4.js';

/** Where a host-only or NAT network's traffic leaves the switch: the user-mode stack behind the gateway. */
export interface Uplink {
  /** A guest's IPv4 frame for the host or the outside, with the guest's MAC and address. */
  send(frame: Uint8Array, guestMac: string, guestIp: number): boolean;
}

export interface GatewayConfig {
  kind: NetworkKind;
  mac: string;
  ip: number;
  subnet: Subnet;
}

/**
 * The network's own node, at its first address: it answers ARP and ping for that address, runs the DHCP
 * server, and on host-only and NAT networks is the guests' router: traffic for the host (the gateway
 * address) or, on NAT, for anywhere off the subnet goes to the uplink. What it cannot route is dropped and
 * counted as `noRoute`.
 */
export class GatewayNode implements SwitchPort {
  readonly id = 'gateway';
  readonly mac = null;
  noRoute = 0;

  constructor(
    private config: GatewayConfig,
    readonly dhcp: DhcpServer,
    private readonly reply: (frame: Uint8Array) => void,
    private uplink: Uplink | null,
  ) {}

  reconfigure(config: GatewayConfig, uplink: Uplink | null): void {
    this.config = config;
    this.uplink = uplink;
  }

  deliver(frame: Uint8Array): boolean {
    const arp = parseArp(frame);
    if (arp) {
      if (arp.op === 1 && arp.targetIp === this.config.ip) this.reply(arpReply(arp, this.config.mac, this.config.ip));
      return true;
    }
    const ip = parseIpv4(frame);
    if (!ip) return true;
    const t = parseTransport(frame, ip);
    if (ip.protocol === PROTO_UDP && t?.dstPort === 67) {
      const answer = this.dhcp.handle(frame, ip);
      if (answer) this.reply(answer);
      return true;
    }
    const toMe = macAt(frame, 0) === this.config.mac;
    if (!toMe) return true; // a broadcast or a neighbour's frame flooded past us
    if (ip.dst === this.config.ip && ip.protocol === PROTO_ICMP && t?.icmpType === 8) {
      this.reply(icmpEchoReply(frame, ip, this.config.mac));
      return true;
    }
    const routable = this.uplink && (this.config.kind === 'nat' || ip.dst === this.config.ip);
    if (!routable || !this.uplink!.send(frame, macAt(frame, 6), ip.src)) this.noRoute++;
    return true;
  }
}

