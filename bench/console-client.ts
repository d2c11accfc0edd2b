/**
 * A web console as a separate process (as a browser would be): connects to /ws/console/<id>, acknowledges
 * every frame as the real console does once drawn, and after `seconds` prints what it received as JSON.
 */
import WebSocket from 'ws';
import type { ConsoleFromVm } from '../main/api/console.js';
import { decodeConsoleMessage, encodeConsoleMessage } from '../main/console/codec.js';

const [url, token, seconds] = process.argv.slice(2);
const ws = new WebSocket(url!, { headers: { authorization: `Bearer ${token}` } });
let counting = false;
let frames = 0;
let bytes = 0;
const latencies: number[] = [];
ws.on('message', (data) => {
  const msg = decodeConsoleMessage<ConsoleFromVm>(new Uint8Array(data as Buffer));
  if (msg.t !== 'rect') return;
  ws.send(encodeConsoleMessage({ t: 'frame-ack', count: 1 }));
  if (!counting) return;
  frames++;
  bytes += msg.rgba.length;
  if (msg.capturedAt) latencies.push(Date.now() - msg.capturedAt);
});
ws.on('open', () => {
  setTimeout(() => (counting = true), 1000);
  setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ frames, bytes, latencies })}\n`);
    process.exit(0);
  }, (1 + Number(seconds)) * 1000);
});
ws.on('error', (e) => {
  process.stderr.write(`console-client: ${e.message}\n`);
  process.exit(1);
});
