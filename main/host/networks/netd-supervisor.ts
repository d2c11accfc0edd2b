import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { forkProcess, type ChildHandle } from '../../../native-shims/fork.js';
import { PendingReplies } from '../pending-replies.js';
import type { HostToNetd, NetdToHost, NetworkStatus } from '../../net/netd-protocol.js';

const NETD_MAIN = fileURLToPath(new URL('../../net/netd-main.js', import.meta.url));
const RESTART_PAUSES_MS = [200, 500, 1000, 2000, 5000];
const REQUEST_TIMEOUT_MS = 10_000;

type Configure = Extract<HostToNetd, { t: 'configure' }>;

/**
 * Keeps netd running: starts it, hands it the current picture, and when it dies starts it again with the
 * same picture (a link blip for the guests; leases come back from their files). Its counters and leases
 * arrive as status messages and are kept here for the API.
 */
export class NetdSupervisor extends EventEmitter<{ status: [NetworkStatus[]]; down: []; restarted: [why: string]; warning: [string] }> {
  private child: ChildHandle | null = null;
  private starting: Promise<void> | null = null;
  private config: Configure | null = null;
  private restarts = 0;
  private stopped = false;
  private readonly replies = new PendingReplies<void>();
  readonly status = new Map<string, NetworkStatus>();
  readyAt: number | null = null;

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Hands netd the whole picture (starting netd first when it is not running). */
  async configure(config: Configure): Promise<void> {
    this.config = config;
    if (this.stopped) return; // kept for resume()
    await this.ensure();
    this.child?.send(config);
  }

  async capture(network: string, file: string | null): Promise<void> {
    await this.ensure();
    await this.replies.ask(REQUEST_TIMEOUT_MS, 'the network process did not answer', (id) => this.child!.send({ t: 'capture', network, file, id } satisfies HostToNetd));
  }

  /** Ends netd and keeps it down (the host is stopping, or a benchmark puts a bare wire in its place). */
  stop(): void {
    this.stopped = true;
    this.child?.kill();
  }

  /** Starts netd again after stop(), with the last picture. */
  async resume(): Promise<void> {
    this.stopped = false;
    if (this.config) await this.configure(this.config);
  }

  private ensure(): Promise<void> {
    if (this.child) return Promise.resolve();
    this.starting ??= this.start().finally(() => (this.starting = null));
    return this.starting;
  }

  private async start(): Promise<void> {
    const child = await forkProcess(NETD_MAIN, { name: 'kaso-netd' });
    this.child = child;
    child.on('message', (m) => this.onMessage(m as NetdToHost));
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
  }

  private onMessage(m: NetdToHost): void {
    switch (m.t) {
      case 'ready':
        this.readyAt = Date.now();
        this.restarts = 0;
        return;
      case 'status':
        for (const n of m.networks) this.status.set(n.name, n);
        for (const name of this.status.keys()) if (!m.networks.some((n) => n.name === name)) this.status.delete(name);
        this.emit('status', m.networks);
        return;
      case 'reply':
        return this.replies.settle(m.id, m.error, undefined);
      case 'warning':
        this.emit('warning', m.message);
        return;
      case 'hello':
        return;
    }
  }

  private onExit(child: ChildHandle, code: number | null, signal: string | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.readyAt = null;
    this.replies.failAll('the network process ended');
    this.status.clear(); // nothing is linked while netd is away
    this.emit('down');
    if (this.stopped) return;
    const why = signal ? `killed (${signal})` : `exited with code ${code}`;
    const pause = RESTART_PAUSES_MS[Math.min(this.restarts++, RESTART_PAUSES_MS.length - 1)]!;
    setTimeout(() => {
      if (this.stopped || !this.config) return;
      this.emit('restarted', why);
      void this.configure(this.config);
    }, pause).unref();
  }
}
