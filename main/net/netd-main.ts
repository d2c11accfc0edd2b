/**
 * netd: the one process that hosts every virtual network. Engines connect their NICs to its socket (the
 * stream framing, a hello naming the NIC first); the host tells it which networks exist and where each NIC's
 * cable goes, and hears back counters, leases and problems. A crash here is a link blip for the guests: the
 * host starts netd again with the same picture, the leases come back from their files, the engines redial.
 */
import { existsSync, unlinkSync } from 'node:fs';
import net, { type Socket } from 'node:net';
import { parentLink } from '../../native-shims/child-channel.js';
import type { NicPort } from '../api/networks.js';
import type { HostToNetd, NetdToHost, NetworkRuntimeConfig, NicHello } from './netd-protocol.js';
import { NetworkRuntime } from './network-runtime.js';
import { NicLink } from './nic-link.js';
import { FrameReader } from './stream-framing.js';

const link = parentLink();
const send = (m: NetdToHost) => link.send(m);
const networks = new Map<string, NetworkRuntime>();
let ports = new Map<string, NicPort>();
const links = new Map<string, { link: NicLink; network: string | null }>();
let server: net.Server | null = null;

process.on('disconnect', () => process.exit(0)); // the host is gone: so are the networks

function configure(msg: Extract<HostToNetd, { t: 'configure' }>): Promise<void> {
  applyNetworks(msg.networks);
  ports = new Map(msg.ports.map((p) => [p.portId, p]));
  for (const [portId, l] of links) {
    const nic = ports.get(portId);
    if (!nic || nic.mac !== l.link.mac) {
      l.link.socket.destroy(); // the NIC is gone or changed: the engine redials and is told
      continue;
    }
    place(portId, nic.network);
  }
  return listen(msg.socketPath);
}

function applyNetworks(configs: NetworkRuntimeConfig[]): void {
  const renumbered = new Set<string>();
  for (const [name, rt] of networks) {
    const next = configs.find((c) => c.settings.name === name)?.settings;
    // A new kind or subnet is a new network behind the same name: built afresh (its NICs are placed again).
    if (next && next.kind === rt.kind && next.subnet === rt.subnet) continue;
    if (next && next.subnet !== rt.subnet) renumbered.add(name);
    for (const l of links.values()) if (l.network === name) l.network = null;
    void rt.close();
    networks.delete(name);
  }
  for (const c of configs) {
    const rt = networks.get(c.settings.name);
    if (rt) rt.reconfigure(c);
    else networks.set(c.settings.name, new NetworkRuntime(c, reportSoon, !renumbered.has(c.settings.name)));
  }
}

/** Moves a live NIC's port to the switch of `network` (or unplugs it). */
function place(portId: string, network: string | null): void {
  const l = links.get(portId);
  if (!l) return;
  if (l.network === network && (network === null || networks.get(network)?.switch.has(portId))) return;
  if (l.network) networks.get(l.network)?.unplug(portId);
  l.network = network && networks.has(network) ? network : null;
  if (l.network) networks.get(l.network)!.plug(ports.get(portId)!, l.link);
}

function listen(socketPath: string): Promise<void> {
  if (server) return Promise.resolve();
  if (existsSync(socketPath)) unlinkSync(socketPath); // left by a netd that crashed
  return new Promise((resolve, reject) => {
    server = net.createServer(accept);
    server.once('error', reject);
    server.listen(socketPath, () => {
      send({ t: 'ready', socketPath });
      resolve();
    });
  });
}

function accept(socket: Socket): void {
  socket.setNoDelay?.(true);
  let portId: string | null = null;
  const reader = new FrameReader(
    (frame) => {
      if (portId === null) return hello(frame);
      const l = links.get(portId);
      if (l?.network) networks.get(l.network)?.switch.input(portId, frame);
    },
    () => socket.destroy(),
  );
  const hello = (frame: Uint8Array) => {
    let h: NicHello;
    try {
      h = JSON.parse(new TextDecoder().decode(frame)) as NicHello;
    } catch {
      return socket.destroy();
    }
    const nic = ports.get(h.portId);
    if (!nic || nic.mac !== h.mac) return socket.destroy();
    const old = links.get(h.portId);
    if (old) close(h.portId, old.link);
    portId = h.portId;
    links.set(portId, { link: new NicLink(portId, nic.mac, socket), network: null });
    place(portId, nic.network);
  };
  socket.on('data', (d: Buffer) => reader.push(d));
  socket.on('error', () => {});
  socket.on('close', () => {
    const l = portId ? links.get(portId) : undefined;
    if (portId && l && l.link.socket === socket) close(portId, l.link);
  });
}

function close(portId: string, l: NicLink): void {
  const entry = links.get(portId);
  if (entry?.network) networks.get(entry.network)?.unplug(portId);
  links.delete(portId);
  l.socket.destroy();
}

async function capture(msg: Extract<HostToNetd, { t: 'capture' }>): Promise<void> {
  const rt = networks.get(msg.network);
  if (!rt) throw new Error(`no network "${msg.network}"`);
  if (msg.file) rt.startCapture(msg.file);
  else await rt.stopCapture();
}

let lastStatus = '';
let reportPending = false;
function reportSoon(): void {
  if (reportPending) return;
  reportPending = true;
  setImmediate(() => {
    reportPending = false;
    reportStatus();
  });
}

function reportStatus(force = false): void {
  const list = [...networks.values()].map((rt) => rt.status([...ports.values()]));
  const text = JSON.stringify(list);
  if (!force && text === lastStatus) return;
  lastStatus = text;
  send({ t: 'status', networks: list });
}

setInterval(() => {
  for (const rt of networks.values()) rt.tick();
  reportStatus();
}, 1000);

link.onMessage((raw) => {
  const msg = raw as HostToNetd;
  if (msg.t === 'configure')
    configure(msg).then(
      () => reportStatus(true),
      (e: Error) => send({ t: 'warning', message: `netd: cannot listen on ${msg.socketPath}: ${e.message}` }),
    );
  if (msg.t === 'capture')
    capture(msg).then(
      () => {
        reportStatus(true); // first, so the host answers with the capture as it now is
        send({ t: 'reply', id: msg.id });
      },
      (e: Error) => send({ t: 'reply', id: msg.id, error: e.message }),
    );
});
send({ t: 'hello', pid: process.pid });
