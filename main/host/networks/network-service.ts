import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import type { Nic, NicPort, NetworkInfo, NetworkResults, NetworkSettings } from '../../api/networks.js';
import { ApiError, type RequestInput } from '../../api/requests.js';
import { hostAddressOf } from '../../net/ipv4.js';
import type { NetworkStatus } from '../../net/netd-protocol.js';
import type { VmLibrary } from '../vm-library.js';
import { defaultNetworkSettings, defaultRange, freeSubnet } from './network-defaults.js';
import { NetworkLibrary } from './network-library.js';
import { NetdSupervisor } from './netd-supervisor.js';
import { findPasst } from './passt-binary.js';
import { PASST_MISSING } from '../../net/passt-link.js';

type NetRequest = keyof NetworkResults;
type NetHandlers = { [N in NetRequest]: (input: RequestInput<N>) => Promise<NetworkResults[N]> };

/**
 * The virtual networks as the host serves them: their files, the NICs of the library's VMs, and netd, which
 * is told the whole picture whenever any of it changes (a network edited, a NIC moved, a VM renamed).
 */
export class NetworkService {
  readonly netd = new NetdSupervisor();
  private readonly passt = findPasst();

  private constructor(
    readonly networks: NetworkLibrary,
    private readonly vms: VmLibrary,
    private readonly emit: (info: NetworkInfo | { removed: string }) => void,
  ) {
    this.netd.on('status', (list) => list.forEach((s) => this.announce(s.name)));
    this.netd.on('down', () => this.networks.list().forEach((s) => this.announce(s.name)));
    this.netd.on('warning', (m) => process.stderr.write(`kaso: ${m}\n`));
    this.netd.on('restarted', (why) => process.stderr.write(`kaso: the network process ${why}; started again\n`));
  }

  static async open(vms: VmLibrary, emit: NetworkService['emit']): Promise<NetworkService> {
    const service = new NetworkService(await NetworkLibrary.open(vms.home), vms, emit);
    for (const p of service.networks.problems) process.stderr.write(`kaso: ${p}\n`);
    return service;
  }

  get socketPath(): string {
    return path.join(this.vms.home, 'run', 'netd.sock');
  }

  /** The picture netd needs, sent again after every change; netd starts with the first network. */
  async sync(): Promise<void> {
    const networks = this.networks.list();
    if (networks.length === 0 && !this.netd.pid) return;
    await mkdir(path.dirname(this.socketPath), { recursive: true, mode: 0o700 });
    await this.netd.configure({
      t: 'configure',
      socketPath: this.socketPath,
      ports: this.ports(),
      networks: networks.map((s) => ({
        settings: s,
        hostAddress: hostAddressOf(s.subnet),
        gatewayMac: this.gatewayMac(s.name),
        leasesFile: this.networks.leasesFileOf(s.name),
        passt: this.passt,
      })),
    });
  }

  /** Every NIC of every VM, as a switch port. */
  ports(): NicPort[] {
    return this.vms.list().flatMap((r) =>
      r.file.settings.nics.map((n, index) => ({ portId: `${r.id}/${index}`, vmId: r.id, vmName: r.file.settings.name, index, mac: n.mac, network: n.network })),
    );
  }

  /** NICs a VM wants: each network must exist and each MAC be its own across the library. */
  checkNics(nics: Nic[], vmId: string | null): void {
    nics.forEach((n, i) => {
      if (n.network && !this.networks.find(n.network))
        throw new ApiError('INVALID_INPUT', `nics.${i}.network: there is no virtual network named "${n.network}"`, `nics.${i}.network`);
      const other = this.vms.nicOwner(n.mac, vmId);
      if (other) throw new ApiError('INVALID_INPUT', `nics.${i}.mac: ${n.mac} is already the address of a NIC of "${other.file.settings.name}"`, `nics.${i}.mac`);
    });
  }

  info(name: string): NetworkInfo {
    const s = this.networks.get(name);
    const st: NetworkStatus | undefined = this.netd.status.get(s.name);
    const ports = this.ports().filter((p) => p.network?.toLowerCase() === s.name.toLowerCase());
    return {
      settings: s,
      hostAddress: hostAddressOf(s.subnet),
      file: this.networks.fileOf(s.name),
      ports: ports.map((p) => st?.ports.find((q) => q.portId === p.portId) ?? { ...p, linked: false, addresses: [], rxFrames: 0, rxBytes: 0, txFrames: 0, txBytes: 0, dropped: 0 }),
      leases: st?.leases ?? [],
      drops: st?.drops ?? { malformed: 0, oversized: 0, firewall: 0, flood: 0, spoofed: 0, noRoute: 0 },
      capture: st?.capture ?? null,
      problem: st?.problem ?? (s.kind !== 'internal' && !this.passt ? PASST_MISSING : null),
    };
  }

  announce(name: string): void {
    if (this.networks.find(name)) this.emit(this.info(name));
  }

  readonly handlers: NetHandlers = {
    'net.list': async () => this.networks.list().map((s) => this.info(s.name)),
    'net.get': async ({ name }) => this.info(name),
    'net.create': async ({ settings }) => {
      const subnet = settings.subnet ?? freeSubnet(settings.kind, this.networks.list().map((n) => n.subnet));
      const base = defaultNetworkSettings(settings.name, settings.kind, subnet);
      const dhcp = { ...base.dhcp, ...(settings.subnet ? defaultRange(subnet) : {}), ...settings.dhcp };
      const created = await this.networks.create({ ...base, ...settings, subnet, dhcp } as NetworkSettings);
      await this.sync();
      return this.info(created.name);
    },
    'net.update': async ({ name, settings }) => {
      const s = await this.networks.update(name, settings);
      await this.sync();
      this.announce(s.name);
      return this.info(s.name);
    },
    'net.delete': async ({ name }) => {
      const s = this.networks.get(name);
      const disconnected = await this.unplugAll(s.name);
      if (this.netd.status.get(s.name)?.capture) await this.netd.capture(s.name, null).catch(() => {});
      await this.networks.remove(s.name);
      await this.sync();
      this.emit({ removed: s.name });
      return { name: s.name, disconnected };
    },
    'net.leases': async ({ name }) => this.info(name).leases,
    'net.capture': async ({ name, on, file }) => {
      const s = this.networks.get(name);
      await this.sync();
      const target = on ? (file ?? (await this.defaultCaptureFile(s.name))) : null;
      if (target && !existsSync(path.dirname(target))) throw new ApiError('INVALID_INPUT', `file: the folder ${path.dirname(target)} does not exist`, 'file');
      await this.netd.capture(s.name, target);
      return this.info(s.name);
    },
  };

  private async unplugAll(network: string): Promise<string[]> {
    const names: string[] = [];
    for (const r of this.vms.list()) {
      const nics = r.file.settings.nics;
      if (!nics.some((n) => n.network?.toLowerCase() === network.toLowerCase())) continue;
      await this.vms.update(r.id, { nics: nics.map((n) => (n.network?.toLowerCase() === network.toLowerCase() ? { ...n, network: null } : n)) });
      names.push(r.file.settings.name);
    }
    return names;
  }

  private async defaultCaptureFile(name: string): Promise<string> {
    const folder = path.join(this.networks.folder, 'Captures');
    await mkdir(folder, { recursive: true });
    return path.join(folder, `${name} ${new Date().toISOString().replace(/[:.]/g, '-')}.pcap`);
  }

  /** The gateway's MAC: fixed per network (so guests' ARP caches survive a restart), never a NIC's prefix. */
  private gatewayMac(name: string): string {
    const h = createHash('sha256').update(this.networks.idOf(name)).digest();
    return ['02', '6b', '67', h[0], h[1], h[2]].map((x) => (typeof x === 'number' ? x.toString(16).padStart(2, '0') : x)).join(':');
  }
}
