/**
 * A VM's process: one engine, one guest. Speaks the engine protocol with the host over the parent link,
 * streams the console to MessagePorts (inside Electron) or over the link (when the host relays it).
 * Anything unexpected ends the process with a 'fatal' message: the host marks the VM crashed.
 */
import { parentLink, type MessagePortLike } from '../../native-shims/child-channel.js';
import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';
import { ConsoleHub, type ConsoleSink } from './console-hub.js';
import type { Engine } from './engine.js';
import type { EngineToHost, HostToEngine } from './protocol.js';
import { capCpu, type CpuCap } from './qemu/cpu-cap.js';
import { QemuEngine } from './qemu/qemu-engine.js';
import { V86Engine } from './v86/v86-engine.js';

const link = parentLink();
const send = (msg: EngineToHost) => link.send(msg);
let engine: Engine | null = null;
let hub: ConsoleHub | null = null;
let hostSink: (ConsoleSink & { closed: boolean }) | null = null;
let ending = false;
let cpuCap: CpuCap | null = null;
/** What the VM's status says runs it (engine, accelerator, CPU cap). */
let runningStatus = '';

function die(message: string): void {
  if (ending) return;
  ending = true;
  send({ t: 'fatal', message });
  setTimeout(() => process.exit(1), 50);
}

process.on('uncaughtException', (e) => die(`engine failure: ${e.message}`));
process.on('unhandledRejection', (e) => die(`engine failure: ${(e as Error)?.message ?? String(e)}`));

function finish(msg: EngineToHost): void {
  ending = true;
  hub?.stop();
  send(msg);
  void cpuCap?.release();
  setTimeout(() => process.exit(0), 50);
}

/** What runs the guest died or the guest crashed: what is left is released (disks flushed), then the VM is crashed. */
function failed(e: Engine, reason: string): void {
  if (ending) return;
  const release = e instanceof QemuEngine ? e.abandon() : Promise.resolve();
  void release.catch(() => {}).finally(() => die(reason));
}

function portSink(port: MessagePortLike): ConsoleSink {
  const sink = { closed: false, send: (m: ConsoleFromVm) => port.postMessage(m) };
  port.on('message', (e) => hub?.fromViewer(sink, e.data as ConsoleToVm));
  port.on('close', () => {
    sink.closed = true;
    hub?.detach(sink);
  });
  port.start();
  return sink;
}

async function boot(config: Extract<HostToEngine, { t: 'boot' }>['config']): Promise<void> {
  const e: Engine = config.engine === 'qemu' ? new QemuEngine() : new V86Engine();
  engine = e;
  hub = new ConsoleHub(e.screen, () => e.refreshScreen(), (m) => e.input(m));
  e.on('serial', (port, data) => {
    send({ t: 'serial-out', port, data });
    hub?.broadcast({ t: 'serial', port, data }); // the console's serial tabs
  });
  e.on('warning', (message) => send({ t: 'warning', message }));
  e.on('failed', (reason) => failed(e, reason));
  e.on('off', (reason) => {
    if (ending) return;
    void e.turnOff().finally(() => finish({ t: 'off', reason }));
  });
  const status = await e.boot(config);
  const target = e.cpuTarget();
  const share = { maximum: config.cpuMaximum, weight: config.cpuWeight, processors: config.processors ?? 1 };
  cpuCap = await capCpu(target.pid, config.vmId, share, target.canPause);
  const capped = cpuCap.how === 'none' ? '' : `; CPU at most ${config.cpuMaximum}%, weight ${config.cpuWeight} (${cpuCap.how})`;
  runningStatus = status + capped;
  send({ t: 'running', status: runningStatus });
  reportStats(e);
}

async function handle(msg: HostToEngine, ports: MessagePortLike[]): Promise<void> {
  if (msg.t === 'boot') return boot(msg.config);
  if (!engine || !hub) return;
  switch (msg.t) {
    case 'pause':
      await engine.pause();
      return send({ t: 'paused' });
    case 'resume':
      await engine.resume();
      return send({ t: 'running', status: runningStatus });
    case 'reset':
      return engine.reset();
    case 'turn-off':
      await engine.turnOff();
      return finish({ t: 'off', reason: 'turned off' });
    case 'save-state': {
      const started = Date.now();
      const { bytes } = await engine.saveState(msg.file);
      return finish({ t: 'saved', file: msg.file, bytes, ms: Date.now() - started });
    }
    case 'console':
      if ((msg.msg.t === 'refresh' || msg.msg.t === 'frame-ack') && hostSink) return hub.fromViewer(hostSink, msg.msg);
      return engine.input(msg.msg);
    case 'subscribe':
      if (msg.on && !hostSink) {
        hostSink = { closed: false, send: (m) => send({ t: 'console', msg: m }) };
        hub.attach(hostSink);
      } else if (!msg.on && hostSink) {
        hostSink.closed = true;
        hub.detach(hostSink);
        hostSink = null;
      }
      return;
    case 'attach-port':
      for (const p of ports) hub.attach(portSink(p));
      return;
    case 'request':
      try {
        send({ t: 'reply', id: msg.id, value: await engine.request(msg.what) });
      } catch (e) {
        send({ t: 'reply', id: msg.id, error: (e as Error).message });
      }
      return;
  }
}

/** CPU use (percent of one core) and memory of what runs the guest, every two seconds. */
function reportStats(e: Engine): void {
  let last = process.cpuUsage();
  let at = process.hrtime.bigint();
  setInterval(() => {
    const outside = e.usage();
    if (outside) return send({ t: 'stats', ...outside });
    const now = process.hrtime.bigint();
    const usage = process.cpuUsage(last);
    const elapsedUs = Number(now - at) / 1000;
    last = process.cpuUsage();
    at = now;
    send({ t: 'stats', cpuPercent: (100 * (usage.user + usage.system)) / elapsedUs, rssMiB: process.memoryUsage().rss / 1048576 });
  }, 2000).unref();
}

link.onMessage((msg, ports) => {
  handle(msg as HostToEngine, ports).catch((e: unknown) => {
    const m = msg as HostToEngine;
    if (m.t === 'boot') die((e as Error).message);
    send({ t: 'warning', message: `${m.t}: ${(e as Error).message}` });
  });
});
send({ t: 'hello', pid: process.pid });
