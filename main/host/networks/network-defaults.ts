import type { NetworkKind, NetworkSettings } from '../../api/networks.js';
import { broadcastOf, hostAddressOf, intToIp, parseCidr } from '../../net/ipv4.js';

/** Each kind's usual subnet, as VirtualBox users know them; the next free one when taken. */
const FIRST_SUBNET: Record<NetworkKind, (k: number) => string> = {
  internal: (k) => `192.168.${131 + k}.0/24`,
  'host-only': (k) => `192.168.${56 + k}.0/24`,
  nat: (k) => `10.0.${2 + k}.0/24`,
};

export function freeSubnet(kind: NetworkKind, taken: string[]): string {
  for (let k = 0; k < 60; k++) {
    const s = FIRST_SUBNET[kind](k);
    if (!taken.includes(s)) return s;
  }
  return FIRST_SUBNET[kind](0);
}

/** The DHCP range a subnet gets unless told: .100 to .199 on a /24, scaled down on smaller ones. */
export function defaultRange(subnet: string): { first: string; last: string } {
  const s = parseCidr(subnet);
  const size = broadcastOf(s) - s.base;
  const first = s.base + Math.max(2, Math.min(100, Math.floor(size / 2)));
  return { first: intToIp(first), last: intToIp(Math.min(broadcastOf(s) - 1, first + 99)) };
}

/**
 * A new network's settings. As in Virtual Server, an internal network starts without DHCP; host-only and
 * NAT networks start with it, since their guests need the gateway's address to reach anything. NAT denies
 * what comes in unasked (replies and port forwards pass), but lets the VMs on it reach each other.
 */
export function defaultNetworkSettings(name: string, kind: NetworkKind, subnet: string): NetworkSettings {
  const host = hostAddressOf(subnet);
  const nat = kind === 'nat';
  return {
    name,
    kind,
    subnet,
    mtu: 1500,
    dhcp: { enabled: kind !== 'internal', ...defaultRange(subnet), leaseSeconds: 86400, gateway: nat ? host : null, dns: nat ? [host] : [] },
    defaultIn: nat ? 'deny' : 'allow',
    defaultOut: 'allow',
    rules: nat ? [{ action: 'allow', direction: 'in', protocol: 'any', peer: subnet, ports: null, note: 'VMs on this network reach each other' }] : [],
    forwards: [],
    notes: '',
  };
}
