import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ConsoleToVm } from '../api/console.js';
import { ApiError, type HostEvents } from '../api/requests.js';
import { decodeConsoleMessage, encodeConsoleMessage } from '../console/codec.js';
import type { HostService } from '../host/host-service.js';
import { CONTENT_SECURITY_POLICY } from './content-security.js';

const RENDERER_DIR = fileURLToPath(new URL('../../renderer/', import.meta.url));
const COOKIE = 'kaso_token';
const MAX_BODY = 2 * 1024 * 1024;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface WebHostOptions {
  host: string;
  port: number;
  token?: string;
}

export interface WebHost {
  url: string;
  token: string;
  /** The address to open in a browser: it carries the token once, then a cookie does. */
  loginUrl: string;
  close(): Promise<void>;
}

/**
 * The web administration host, like Virtual Server's Administration Website: the same console the app shows,
 * served over HTTP with the API on POST /api/<request> and live events and consoles on WebSockets. Every
 * request and socket must carry the token (cookie, bearer header, or ?token=); the Host header must name this
 * server (no DNS rebinding); sockets must come from its own pages.
 */
export async function startWebHost(service: HostService, options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('hex');
  const server = http.createServer((req, res) => {
    handleHttp(service, token, req, res).catch((e: unknown) => send(res, 500, { error: { code: 'FAILED', message: (e as Error).message } }));
  });
  const wss = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    if (!authorized(req, token) || !sameOrigin(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(service, ws, req));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  return {
    url,
    token,
    loginUrl: `${url}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function tokenOf(req: http.IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  const cookie = (req.headers.cookie ?? '').split(/;\s*/).find((c) => c.startsWith(`${COOKIE}=`));
  if (cookie) return decodeURIComponent(cookie.slice(COOKIE.length + 1));
  return new URL(req.url ?? '/', 'http://x').searchParams.get('token');
}

function authorized(req: http.IncomingMessage, token: string): boolean {
  const given = tokenOf(req);
  if (!given || given.length !== token.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(token)) && hostAllowed(req);
}

/** Only names that mean this machine: a page on another site cannot reach us through a rebound DNS name. */
function hostAllowed(req: http.IncomingMessage): boolean {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
  const socketAddress = req.socket.localAddress ?? '';
  return ['localhost', '127.0.0.1', '::1'].includes(host) || host === socketAddress;
}

function sameOrigin(req: http.IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser (the CLI)
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

async function handleHttp(service: HostService, token: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://x');
  if (!authorized(req, token)) {
    if (req.method === 'GET' && !url.pathname.startsWith('/api/')) return sendLoginHelp(res);
    return send(res, 401, { error: { code: 'UNAUTHORIZED', message: 'the Kaso host needs its token: open the address `kaso serve` printed' } });
  }
  if (url.searchParams.has('token') && req.method === 'GET' && !url.pathname.startsWith('/api/')) {
    // Trade the token in the address for a cookie, and take it out of the address bar and history.
    res.writeHead(303, { location: url.pathname, 'set-cookie': `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/` });
    res.end();
    return;
  }
  if (url.pathname.startsWith('/api/')) return handleApi(service, url, req, res);
  return serveStatic(url.pathname, res);
}

async function handleApi(service: HostService, url: URL, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const name = url.pathname.slice('/api/'.length);
  if (req.method === 'GET' && name.startsWith('thumbnail/')) {
    const id = name.slice('thumbnail/'.length);
    const { png } = (await service.handle('vm.thumbnail', { id }).catch(() => ({ png: null }))) as { png: string | null };
    if (!png) return send(res, 404, { error: { code: 'NOT_FOUND', message: 'no thumbnail yet' } });
    res.writeHead(200, { 'content-type': 'image/png', 'cache-control': 'no-store' });
    res.end(Buffer.from(png, 'base64'));
    return;
  }
  if (req.method !== 'POST') return send(res, 405, { error: { code: 'INVALID_INPUT', message: 'use POST for API requests' } });
  let input: unknown;
  try {
    input = JSON.parse((await readBody(req)) || '{}');
  } catch (e) {
    return send(res, 400, { error: { code: 'INVALID_INPUT', message: `the request body is not JSON: ${(e as Error).message}` } });
  }
  try {
    send(res, 200, { result: await service.handle(name, input) });
  } catch (e) {
    const err = e instanceof ApiError ? e : new ApiError('FAILED', (e as Error).message);
    const status = { INVALID_INPUT: 400, UNAUTHORIZED: 401, NOT_FOUND: 404, CONFLICT: 409, FAILED: 500 }[err.code];
    send(res, status, { error: err.toJSON() });
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('the request is too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function serveStatic(pathname: string, res: http.ServerResponse): Promise<void> {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const file = path.resolve(RENDERER_DIR, rel);
  if (!file.startsWith(RENDERER_DIR)) return send(res, 404, { error: { code: 'NOT_FOUND', message: 'not found' } });
  const target = existsSync(file) ? file : path.join(RENDERER_DIR, 'index.html'); // the app's own routes
  if (!existsSync(target)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The Kaso console is not built: run "npm run build" in the Kaso folder.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[path.extname(target)] ?? 'application/octet-stream',
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': target.endsWith('index.html') ? 'no-store' : 'max-age=3600',
  });
  res.end(await fs.readFile(target));
}

function sendLoginHelp(res: http.ServerResponse): void {
  res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': "default-src 'none'" });
  res.end('<!doctype html><title>Kaso</title><p>This Kaso host needs its token. Open the address that <code>kaso serve</code> printed (it ends in <code>?token=...</code>).</p>');
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

/**
 * Sockets: /ws/events streams host events as JSON; /ws/console/<vm id> carries one VM's console both ways
 * as binary console messages.
 */
function onSocket(service: HostService, ws: WebSocket, req: http.IncomingMessage): void {
  const pathname = new URL(req.url ?? '/', 'http://x').pathname;
  if (pathname === '/ws/events') {
    const listener = (name: keyof HostEvents, payload: unknown) => ws.send(JSON.stringify({ event: name, payload }));
    service.on('event', listener);
    ws.on('close', () => service.off('event', listener));
    return;
  }
  const m = /^\/ws\/console\/([0-9a-f-]{36})$/.exec(pathname);
  if (!m) {
    ws.close(4404, 'unknown socket');
    return;
  }
  let handle: ReturnType<HostService['openConsole']>;
  try {
    service.library.get(m[1]!);
    handle = service.openConsole(m[1]!, { send: (msg) => ws.readyState === ws.OPEN && ws.send(encodeConsoleMessage(msg)) });
  } catch (e) {
    ws.close(4404, (e as Error).message.slice(0, 120));
    return;
  }
  ws.on('message', (data, isBinary) => {
    if (!isBinary) return;
    try {
      handle.input(decodeConsoleMessage<ConsoleToVm>(new Uint8Array(data as Buffer)));
    } catch {
      // a malformed message from a client is dropped, never allowed to take the host down
    }
  });
  ws.on('close', () => handle.close());
}
