import type { ConsoleFromVm, ConsoleToVm } from '../api/console.js';

/**
 * Console messages on a WebSocket: one binary frame each, [u32 header length][JSON header][payload], where
 * the payload is the message's one typed array (cells, bitmap, rgba or data). The same code runs in Node and
 * in the browser.
 */
type AnyMessage = ConsoleFromVm | ConsoleToVm;
const BINARY_FIELDS = ['cells', 'bitmap', 'rgba', 'data'] as const;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeConsoleMessage(msg: AnyMessage): Uint8Array {
  const header: Record<string, unknown> = { ...msg };
  let payload: Uint8Array = new Uint8Array(0);
  for (const field of BINARY_FIELDS) {
    const value = header[field];
    if (value instanceof Int32Array || value instanceof Uint8Array) {
      payload = new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      header[field] = { $bin: value instanceof Int32Array ? 'i32' : 'u8' };
    }
  }
  const head = encoder.encode(JSON.stringify(header));
  const out = new Uint8Array(4 + head.length + payload.length);
  new DataView(out.buffer).setUint32(0, head.length, true);
  out.set(head, 4);
  out.set(payload, 4 + head.length);
  return out;
}

export function decodeConsoleMessage<T extends AnyMessage>(bytes: Uint8Array): T {
  if (bytes.length < 4) throw new Error('console message too short');
  const headLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headLength > bytes.length) throw new Error('console message header runs past its end');
  const header = JSON.parse(decoder.decode(bytes.subarray(4, 4 + headLength))) as Record<string, unknown>;
  const payload = bytes.slice(4 + headLength); // a copy: aligned, and independent of the socket's buffer
  for (const field of BINARY_FIELDS) {
    const marker = header[field] as { $bin?: string } | undefined;
    if (marker?.$bin === 'i32') header[field] = new Int32Array(payload.buffer, 0, payload.byteLength >> 2);
    else if (marker?.$bin === 'u8') header[field] = payload;
  }
  return header as T;
}
