import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { EventEmitter } from 'node:events';

const STDERR_TAIL = 4096;
/** Linux kills QEMU with this process (setpriv --pdeathsig), so a crashed engine leaves no orphan guest. */
const SETPRIV = '/usr/bin/setpriv';

/**
 * QEMU's own process. Its end is an event with QEMU's last words (stderr), so a crash can say why.
 */
export class QemuProcess extends EventEmitter<{ exit: [why: string] }> {
  private tail = '';
  private exited = false;
  private readonly child: ChildProcess;

  constructor(binary: string, args: string[]) {
    super();
    const [file, argv] = process.platform === 'linux' && existsSync(SETPRIV) ? [SETPRIV, ['--pdeathsig', 'SIGKILL', '--', binary, ...args]] : [binary, args];
    this.child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
    this.child.stderr!.on('data', (d: Buffer) => (this.tail = (this.tail + d.toString()).slice(-STDERR_TAIL)));
    this.child.on('error', (e) => this.ended(`QEMU could not start: ${e.message}`));
    this.child.on('exit', (code, signal) => this.ended(signal ? `QEMU was killed (${signal})` : `QEMU exited with code ${code}`));
  }

  get pid(): number {
    return this.child.pid ?? 0;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** QEMU's last lines on stderr, joined (what it said before it failed). */
  lastWords(): string {
    return this.tail.trim().split('\n').slice(-3).join(' | ');
  }

  /** Resolves when QEMU has ended; kills it when it does not end in `ms`. */
  async waitForExit(ms: number): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), ms);
    await gone;
    clearTimeout(timer);
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }

  private ended(why: string): void {
    if (this.exited) return;
    this.exited = true;
    const words = this.lastWords();
    this.emit('exit', words ? `${why}: ${words}` : why);
  }
}
