import type { ConnectedPort, DropCounters, Lease, NetworkSettings, NicPort } from '../api/networks.js';

/** What the host tells netd: the whole picture each time (netd makes it so), so a restarted netd needs one message. */
export interface NetworkRuntimeConfig {
  settings: NetworkSettings;
  hostAddress: string;
  gatewayMac: string;
  /** Where netd keeps this network's DHCP leases (restored after a restart). */
  leasesFile: string;
  /** The passt binary for host-only and NAT networks; null when it is not installed. */
  passt: string | null;
}

export type HostToNetd =
  | { t: 'configure'; socketPath: string; networks: NetworkRuntimeConfig[]; ports: NicPort[] }
  /** Start (with a file) or stop (null) writing a network's frames to a .pcap file. */
  | { t: 'capture'; network: string; file: string | null; id: number };

export interface NetworkStatus {
  name: string;
  ports: ConnectedPort[];
  leases: Lease[];
  drops: DropCounters;
  capture: string | null;
  problem: string | null;
}

export type NetdToHost =
  | { t: 'hello'; pid: number }
  /** The socket NIC links connect to is listening, with the configuration applied. */
  | { t: 'ready'; socketPath: string }
  | { t: 'status'; networks: NetworkStatus[] }
  | { t: 'reply'; id: number; error?: string }
  | { t: 'warning'; message: string };

/** The first frame on a NIC link, from the engine: which NIC this is. */
export interface NicHello {
  portId: string;
  mac: string;
}
