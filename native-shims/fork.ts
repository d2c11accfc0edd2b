import { fork as forkNode, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';

/**
 * Starts a helper process (a VM's engine, the switch, a disk job): an Electron utility process inside the
 * app, a Node child process elsewhere. Either way the parent sees the same handle.
 */
export interface ChildHandle {
  readonly pid: number | undefined;
  send(msg: unknown, ports?: unknown[]): void;
  on(event: 'message', listener: (msg: unknown) => void): this;
  on(event: 'exit', listener: (code: number | null, signal: string | null) => void): this;
  /** The last lines the process wrote to stderr (for a crash report). */
  stderrTail(): string;
  kill(): void;
}

export interface ForkOptions {
  name: string;
  env?: Record<string, string>;
  args?: string[];
}

const TAIL = 4096;

export async function forkProcess(modulePath: string, options: ForkOptions): Promise<ChildHandle> {
  if (process.versions.electron && (process as { type?: string }).type === 'browser') return forkUtility(modulePath, options);
  return forkChild(modulePath, options);
}

class Handle extends EventEmitter implements ChildHandle {
  private tail = '';
  constructor(
    readonly pid: number | undefined,
    private readonly post: (msg: unknown, ports?: unknown[]) => void,
    private readonly terminate: () => void,
  ) {
    super();
  }
  send(msg: unknown, ports?: unknown[]): void {
    this.post(msg, ports);
  }
  kill(): void {
    this.terminate();
  }
  stderrTail(): string {
    return this.tail;
  }
  collect(chunk: Buffer | string): void {
    process.stderr.write(chunk);
    this.tail = (this.tail + chunk.toString()).slice(-TAIL);
  }
}

function forkChild(modulePath: string, options: ForkOptions): ChildHandle {
  const child: ChildProcess = forkNode(modulePath, options.args ?? [], {
    serialization: 'advanced',
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
  });
  const handle = new Handle(
    child.pid,
    (msg) => {
      if (child.connected) child.send(msg as never);
    },
    () => child.kill('SIGKILL'),
  );
  child.stderr?.on('data', (d: Buffer) => handle.collect(d));
  child.on('message', (m) => handle.emit('message', m));
  child.on('exit', (code, signal) => handle.emit('exit', code, signal));
  child.on('error', (e) => handle.collect(`${e.message}\n`));
  return handle;
}

async function forkUtility(modulePath: string, options: ForkOptions): Promise<ChildHandle> {
  const { utilityProcess } = await import('electron');
  const child = utilityProcess.fork(modulePath, options.args ?? [], {
    serviceName: options.name,
    env: { ...process.env, ...options.env },
    stdio: 'pipe',
  });
  const handle = new Handle(
    child.pid,
    (msg, ports) => child.postMessage(msg, (ports ?? []) as Electron.MessagePortMain[]),
    () => child.kill(),
  );
  child.stderr?.on('data', (d: Buffer) => handle.collect(d));
  child.stdout?.on('data', (d: Buffer) => process.stdout.write(d));
  child.on('message', (m: unknown) => handle.emit('message', m));
  child.on('exit', (code: number) => handle.emit('exit', code, null));
  return handle;
}
