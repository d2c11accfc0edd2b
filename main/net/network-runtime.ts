import type { ConnectedPort, NicPort } from '../api/networks.js';
import { DhcpServer } from './dhcp-server.js';
import { Firewall } from './firewall.js';
import { GatewayNode } from './gateway-node.js';
import { macAt } from './frame.js';
import { ipToInt, parseCidr } from './ipv4.js';
import { readLeases, writeLeases } from './leases-file.js';
import type { NetworkRuntimeConfig, NetworkStatus } from './netd-protocol.js';
import { PasstUplink, type UplinkConfig } from './passt-uplink.js';
import { PcapWriter } from './pcap-writer.js';
import { VirtualSwitch, type SwitchPort } from './virtual-switch.js';

/** One virtual network inside netd: its switch, firewall, gateway node (DHCP, ARP, ping), uplink and capture. */
export class NetworkRuntime {
  readonly switch: VirtualSwitch;
  private readonly firewall: Firewall;
  private readonly gateway: GatewayNode;
  private readonly uplink: PasstUplink | null;
  private readonly linked = new Map<string, NicPort>();
  private leasesDirty: Promise<void> = Promise.resolve();
  private captureFailed: string | null = null;

  /**
   * `onChange`: something the host shows changed at once (a lease), not just counters. `keepLeases` false:
   * the subnet is new, so the leases on file name addresses that no longer exist and are dropped.
   */
  constructor(
    private config: NetworkRuntimeConfig,
    private readonly onChange: () => void = () => {},
    keepLeases = true,
  ) {
    const s = config.settings;
    this.firewall = new Firewall(s);
    this.switch = new VirtualSwitch(s.mtu, this.firewall);
    const dhcp = new DhcpServer(s.dhcp, this.identity(), () => this.saveLeases());
    if (keepLeases) dhcp.restore(readLeases(config.leasesFile));
    else this.leasesDirty = writeLeases(config.leasesFile, []).catch(() => {});
    this.uplink = s.kind === 'internal' ? null : new PasstUplink(this.uplinkConfig(), (f, mac) => this.fromUplink(f, mac));
    this.gateway = new GatewayNode(this.gatewayConfig(), dhcp, (f) => this.switch.input('gateway', f, true), this.uplink);
    this.switch.attach(this.gateway);
  }

  get name(): string {
    return this.config.settings.name;
  }

  get kind(): string {
    return this.config.settings.kind;
  }

  get subnet(): string {
    return this.config.settings.subnet;
  }

  reconfigure(config: NetworkRuntimeConfig): void {
    this.config = config;
    const s = config.settings;
    this.firewall.update(s);
    this.switch.setMtu(s.mtu);
    this.gateway.dhcp.reconfigure(s.dhcp, this.identity());
    this.uplink?.reconfigure(this.uplinkConfig());
    this.gateway.reconfigure(this.gatewayConfig(), this.uplink);
  }

  /** A NIC's link came up (or moved here): it becomes a switch port. */
  plug(nic: NicPort, port: SwitchPort): void {
    this.linked.set(nic.portId, nic);
    this.switch.attach(port);
  }

  unplug(portId: string): void {
    const nic = this.linked.get(portId);
    this.linked.delete(portId);
    this.switch.detach(portId);
    if (nic) this.uplink?.forget(nic.mac);
  }

  /** Every second: guests a port forward names get their uplink even before they talk. */
  tick(): void {
    if (!this.uplink) return;
    const known = this.gateway.dhcp.list().map((l) => ({ mac: l.mac, ip: l.address }));
    for (const nic of this.linked.values()) for (const ip of this.switch.addressesOf(nic.portId)) known.push({ mac: nic.mac, ip });
    this.uplink.reconcile(known.filter((g) => [...this.linked.values()].some((n) => n.mac === g.mac)));
  }

  startCapture(file: string): void {
    this.stopCapture();
    this.switch.capture = new PcapWriter(file);
  }

  async stopCapture(): Promise<void> {
    const c = this.switch.capture;
    this.switch.capture = null;
    if (c) {
      this.captureFailed = c.error;
      await c.close();
    }
  }

  status(ports: NicPort[]): NetworkStatus {
    const mine = ports.filter((p) => p.network === this.name);
    const list: ConnectedPort[] = mine.map((p) => {
      const c = this.switch.countersOf(p.portId);
      return {
        portId: p.portId,
        vmId: p.vmId,
        vmName: p.vmName,
        index: p.index,
        mac: p.mac,
        linked: c !== null,
        addresses: this.switch.addressesOf(p.portId),
        ...(c ?? { rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, dropped: 0 }),
      };
    });
    const capture = this.switch.capture;
    return {
      name: this.name,
      ports: list,
      leases: this.gateway.dhcp.list(),
      drops: { ...this.switch.drops, noRoute: this.gateway.noRoute },
      capture: capture?.file ?? null,
      problem: capture?.error ?? this.captureFailed ?? this.uplink?.lastError ?? null,
    };
  }

  async close(): Promise<void> {
    this.uplink?.stopAll();
    await this.stopCapture();
    await this.leasesDirty;
  }

  /** A frame from a guest's passt: it speaks as the gateway, to that guest only. */
  private fromUplink(frame: Uint8Array, guestMac: string): void {
    if (frame.length < 14) return;
    if (macAt(frame, 0) !== guestMac) frame.set(guestMac.split(':').map((h) => parseInt(h, 16)), 0);
    this.switch.input('gateway', frame);
  }

  private saveLeases(): void {
    const leases = this.gateway.dhcp.list();
    this.leasesDirty = this.leasesDirty.then(() => writeLeases(this.config.leasesFile, leases)).catch(() => {});
    this.onChange();
  }

  private identity() {
    return { mac: this.config.gatewayMac, ip: ipToInt(this.config.hostAddress), subnet: parseCidr(this.config.settings.subnet), mtu: this.config.settings.mtu };
  }

  private gatewayConfig() {
    return { kind: this.config.settings.kind, mac: this.config.gatewayMac, ip: ipToInt(this.config.hostAddress), subnet: parseCidr(this.config.settings.subnet) };
  }

  private uplinkConfig(): UplinkConfig {
    const s = this.config.settings;
    return { binary: this.config.passt, gatewayIp: ipToInt(this.config.hostAddress), gatewayMac: this.config.gatewayMac, prefixBits: parseCidr(s.subnet).bits, forwards: s.forwards };
  }
}
