import { z } from 'zod';

/**
 * Virtual networks and the NICs on them: what `<Name>.kasonet` holds, what the Virtual Networks manager,
 * `kaso net` and `kaso vm nic` edit, and what the switch process (netd) is told. One schema, checked by the
 * host whoever sends it.
 */

export const NETWORK_KINDS = ['internal', 'host-only', 'nat'] as const;
export type NetworkKind = (typeof NETWORK_KINDS)[number];

/** What each kind can and cannot do, in the words the manager and the CLI show. */
export const NETWORK_KIND_TEXT: Record<NetworkKind, { label: string; can: string; cannot: string }> = {
  internal: {
    label: 'Internal (VMs only)',
    can: 'VMs on this network reach each other; nothing else does.',
    cannot: 'No host and no outside world: a private lab.',
  },
  'host-only': {
    label: 'Host-only (VMs and this computer)',
    can: "VMs reach each other, and this computer's services at the gateway address; this computer reaches VM services through port forwards.",
    cannot: 'No way out to other machines or the internet.',
  },
  nat: {
    label: 'NAT (the outside world)',
    can: "VMs reach each other and the outside world (TCP, UDP, DNS; ping where this computer allows it) through this computer's own connections; port forwards let others in.",
    cannot: 'Not reachable from outside except through port forwards; no protocols other than TCP, UDP and ICMP echo.',
  },
};

export const NIC_MODELS = ['ne2k', 'virtio'] as const;
export type NicModel = (typeof NIC_MODELS)[number];
export const MAX_NICS = 4;

const ipv4Pattern = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export const Ipv4Schema = z.string().trim().regex(ipv4Pattern, 'not an IPv4 address (a.b.c.d)');
export const CidrSchema = z
  .string()
  .trim()
  .refine((s) => {
    const [addr, bits, extra] = s.split('/');
    return extra === undefined && ipv4Pattern.test(addr ?? '') && /^\d+$/.test(bits ?? '') && Number(bits) >= 8 && Number(bits) <= 30;
  }, 'not a subnet (a.b.c.d/8 to /30)');

/** Six hex pairs; unicast (the group bit of the first octet clear). */
export const MacSchema = z
  .string()
  .trim()
  .transform((s) => s.toLowerCase().replace(/-/g, ':'))
  .refine((s) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(s), 'not a MAC address (six hex pairs, 02:00:5e:10:00:01)')
  .refine((s) => (parseInt(s.slice(0, 2), 16) & 1) === 0, 'a NIC needs a unicast MAC address (the first octet must be even)')
  .refine((s) => s !== '00:00:00:00:00:00', 'the all-zero MAC address is not a NIC address');

const networkName = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(64, 'at most 64 characters')
  .refine((n) => /^[\p{L}\p{N} ._()-]+$/u.test(n) && !n.startsWith('.') && !n.endsWith('.'), 'letters, digits, spaces and . _ ( ) - only');

export const PortRangeSchema = z.object({ from: z.number().int().min(1).max(65535), to: z.number().int().min(1).max(65535) }).refine((r) => r.from <= r.to, 'the first port comes before the last');

export const FirewallRuleSchema = z
  .object({
    action: z.enum(['allow', 'deny']),
    /** Seen from the VM: `in` is traffic arriving at a VM's NIC, `out` is traffic a VM sends. */
    direction: z.enum(['in', 'out', 'both']),
    protocol: z.enum(['any', 'tcp', 'udp', 'icmp']),
    /** The other side's address (a host or a subnet), or null for any. */
    peer: z.union([Ipv4Schema, CidrSchema]).nullable(),
    /** The service port (the destination port of the packet that opens the conversation), or null for any. */
    ports: PortRangeSchema.nullable(),
    note: z.string().max(200).default(''),
  })
  .strict();
export type FirewallRule = z.infer<typeof FirewallRuleSchema>;

export const PortForwardSchema = z
  .object({
    protocol: z.enum(['tcp', 'udp']),
    /** The host port (bound on the host's loopback unless hostAddress says otherwise). */
    hostPort: z.number().int().min(1).max(65535),
    hostAddress: Ipv4Schema.default('127.0.0.1'),
    guestAddress: Ipv4Schema,
    guestPort: z.number().int().min(1).max(65535),
  })
  .strict();
export type PortForward = z.infer<typeof PortForwardSchema>;

export const DhcpSchema = z
  .object({
    enabled: z.boolean(),
    first: Ipv4Schema,
    last: Ipv4Schema,
    leaseSeconds: z.number().int().min(60).max(7 * 86400),
    /** Handed out as the router; null for none (internal networks have no way out). */
    gateway: Ipv4Schema.nullable(),
    dns: z.array(Ipv4Schema).max(3),
  })
  .strict();
export type Dhcp = z.infer<typeof DhcpSchema>;

export const NetworkSettingsFields = z
  .object({
    name: networkName,
    kind: z.enum(NETWORK_KINDS),
    /** The network's IPv4 subnet; the host's (gateway's) address is its first address. */
    subnet: CidrSchema,
    mtu: z.number().int().min(576).max(9000),
    dhcp: DhcpSchema,
    /** What happens to traffic no rule names, each way. */
    defaultIn: z.enum(['allow', 'deny']),
    defaultOut: z.enum(['allow', 'deny']),
    rules: z.array(FirewallRuleSchema).max(256),
    forwards: z.array(PortForwardSchema).max(64),
    notes: z.string().max(10_000),
  })
  .strict();
export type NetworkSettings = z.infer<typeof NetworkSettingsFields>;

/** A NIC of a VM: its model, its address, and the network its cable goes to (null: not connected). */
export const NicSchema = z
  .object({
    model: z.enum(NIC_MODELS),
    mac: MacSchema,
    network: networkName.nullable(),
  })
  .strict();
export type Nic = z.infer<typeof NicSchema>;

/** A NIC as the switch sees it: one port, named by the VM and the NIC's place. */
export interface NicPort {
  /** `<vmId>/<index>`: the engine says it when it connects. */
  portId: string;
  vmId: string;
  vmName: string;
  index: number;
  mac: string;
  /** Null: the cable is unplugged (the NIC is there, no frame goes anywhere). */
  network: string | null;
}

export interface Lease {
  mac: string;
  address: string;
  hostname: string | null;
  /** ISO time the lease runs out. */
  expires: string;
}

export interface PortCounters {
  rxFrames: number;
  rxBytes: number;
  txFrames: number;
  txBytes: number;
  dropped: number;
}

export interface ConnectedPort extends PortCounters {
  portId: string;
  vmId: string;
  vmName: string;
  index: number;
  mac: string;
  /** The engine is connected to the switch (the VM runs). */
  linked: boolean;
  /** Addresses the switch has seen this NIC use. */
  addresses: string[];
}

export interface DropCounters {
  malformed: number;
  oversized: number;
  firewall: number;
  flood: number;
  spoofed: number;
  noRoute: number;
}

export interface NetworkInfo {
  settings: NetworkSettings;
  /** The host's own address on the network (host-only and NAT), which guests use as gateway and DNS. */
  hostAddress: string;
  file: string;
  ports: ConnectedPort[];
  leases: Lease[];
  drops: DropCounters;
  /** The .pcap file being written, when a capture runs. */
  capture: string | null;
  /** What keeps the network from doing all its kind promises (passt missing, a capture that failed). */
  problem: string | null;
}

const byName = z.object({ name: networkName }).strict();

export const networkRequestSchemas = {
  'net.list': z.object({}).strict(),
  'net.get': byName,
  /** What is not said comes from the kind's defaults; DHCP may be given in part (`{ enabled, first, last }`). */
  'net.create': z
    .object({ settings: NetworkSettingsFields.partial().strict().extend({ name: networkName, kind: z.enum(NETWORK_KINDS), dhcp: DhcpSchema.partial().strict().optional() }) })
    .strict(),
  'net.update': z.object({ name: networkName, settings: NetworkSettingsFields.omit({ name: true }).partial().strict() }).strict(),
  'net.delete': byName,
  'net.leases': byName,
  /** Start writing every frame of the network to a .pcap file (a path, or the network's default); stop. */
  'net.capture': z.object({ name: networkName, on: z.boolean(), file: z.string().min(1).max(4096).optional() }).strict(),
} as const;

export interface NetworkResults {
  'net.list': NetworkInfo[];
  'net.get': NetworkInfo;
  'net.create': NetworkInfo;
  'net.update': NetworkInfo;
  'net.delete': { name: string; disconnected: string[] };
  'net.leases': Lease[];
  'net.capture': NetworkInfo;
}

/** Kaso's MAC prefix: locally administered (02), then "ka". Three random bytes follow. */
export const MAC_PREFIX = '02:6b:61';

/** A new NIC's address; the host checks it against every other NIC in the library. */
export function randomMac(): string {
  const b = globalThis.crypto.getRandomValues(new Uint8Array(3));
  return `${MAC_PREFIX}:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}
