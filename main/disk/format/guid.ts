import { randomBytes } from 'node:crypto';

/**
 * VHD unique ids are 16 raw bytes. Kaso prints them the way libvhdi's vhdiinfo does: the bytes in file
 * order as lowercase hex, grouped 8-4-4-4-12, so ids can be compared across tools by eye.
 */
export function formatGuid(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function parseGuid(text: string): Uint8Array {
  const hex = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) throw new Error(`not a unique id: ${text}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

export function newGuid(): Uint8Array {
  const b = new Uint8Array(randomBytes(16));
  // RFC 4122 version 4 bits, so the id also reads as a proper random UUID.
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}

export function sameGuid(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a).equals(Buffer.from(b));
}

export function isNullGuid(a: Uint8Array): boolean {
  return a.every((x) => x === 0);
}
