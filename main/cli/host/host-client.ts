import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { ApiError, type ApiErrorShape, type RequestInput, type RequestName, type RequestResults } from '../../api/requests.js';
import { readHostFile, type HostAddress } from '../../host/host-file.js';

const KASO_BIN = fileURLToPath(new URL('../../../../bin/kaso.js', import.meta.url));
const START_WAIT_MS = 20_000;

/**
 * The CLI's line to the running host (the app or `kaso serve`): HTTP for requests, WebSockets for
 * consoles. When no host runs, one is started in the background, headless, and left running.
 */
export class HostClient {
  private constructor(readonly address: HostAddress) {}

  static async connect(options: { start: boolean } = { start: true }): Promise<HostClient> {
    const found = await readHostFile();
    if (found && (await reachable(found))) return new HostClient(found);
    if (!options.start) throw new ApiError('FAILED', 'no Kaso host is running (start the app, or `kaso serve`)');
    return new HostClient(await startBackgroundHost());
  }

  async call<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestResults[N]> {
    let res: Response;
    try {
      res = await fetch(`${this.address.url}/api/${name}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.address.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
    } catch (e) {
      throw new ApiError('FAILED', `the Kaso host at ${this.address.url} did not answer: ${(e as Error).message}`);
    }
    const body = (await res.json()) as { result?: RequestResults[N]; error?: ApiErrorShape };
    if (body.error) throw new ApiError(body.error.code, body.error.message, body.error.field);
    return body.result!;
  }

  /** The host's events as they happen (JSON: { name, payload }). */
  events(): WebSocket {
    return new WebSocket(`${this.address.url.replace(/^http/, 'ws')}/ws/events`, { headers: { authorization: `Bearer ${this.address.token}` } });
  }

  /** A WebSocket to a VM's console (binary console messages both ways). */
  console(id: string): WebSocket {
    return new WebSocket(`${this.address.url.replace(/^http/, 'ws')}/ws/console/${id}`, {
      headers: { authorization: `Bearer ${this.address.token}` },
    });
  }
}

async function reachable(a: HostAddress): Promise<boolean> {
  try {
    const res = await fetch(`${a.url}/api/host.info`, { method: 'POST', headers: { authorization: `Bearer ${a.token}` }, body: '{}' });
    return res.ok;
  } catch {
    return false;
  }
}

async function startBackgroundHost(): Promise<HostAddress> {
  const child = spawn(process.execPath, [KASO_BIN, 'serve', '--port', '0', '--quiet'], { detached: true, stdio: 'ignore', env: process.env });
  child.unref();
  const deadline = Date.now() + START_WAIT_MS;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 150));
    const a = await readHostFile();
    if (a && (await reachable(a))) return a;
  }
  throw new ApiError('FAILED', 'a background Kaso host did not start within 20 seconds (try `kaso serve` to see why)');
}
