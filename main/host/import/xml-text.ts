/**
 * Bytes of an XML file → text, strictly. Virtual PC 2004/2007 and Virtual Server 2005 write their
 * machine files (.vmc) as UTF-16 little-endian with a byte order mark (the declaration says
 * encoding="UTF-16"); files that went through other tools (iconv, an editor, a script) come as UTF-8,
 * with or without a BOM. What this reads: a BOM for UTF-16 LE, UTF-16 BE or UTF-8; without one, UTF-16
 * recognised by its zero bytes, else UTF-8. Anything that does not decode cleanly (an odd number of
 * bytes in UTF-16, an unpaired surrogate, invalid UTF-8) is an error, never a replacement character.
 */

export type TextEncoding = 'utf-16le' | 'utf-16be' | 'utf-8';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  /** Whether the bytes began with a byte order mark (not included in text). */
  bom: boolean;
}

/** What is wrong with the bytes, in words; the caller adds the file's name. */
export class TextDecodeError extends Error {
  override readonly name = 'TextDecodeError';
}

export function decodeXmlBytes(bytes: Uint8Array): DecodedText {
  if (bytes.length === 0) throw new TextDecodeError('the file is empty');
  const b0 = bytes[0]!;
  const b1 = bytes.length > 1 ? bytes[1]! : -1;
  if (b0 === 0xff && b1 === 0xfe) return { text: decodeUtf16(bytes, 2, true), encoding: 'utf-16le', bom: true };
  if (b0 === 0xfe && b1 === 0xff) return { text: decodeUtf16(bytes, 2, false), encoding: 'utf-16be', bom: true };
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return { text: decodeUtf8(bytes.subarray(3)), encoding: 'utf-8', bom: true };
  // No BOM: an XML file starts with '<' or white space, both ASCII, so UTF-16 shows a zero byte beside it.
  if (bytes.length >= 2 && b0 !== 0 && b1 === 0) return { text: decodeUtf16(bytes, 0, true), encoding: 'utf-16le', bom: false };
  if (bytes.length >= 2 && b0 === 0 && b1 !== 0) return { text: decodeUtf16(bytes, 0, false), encoding: 'utf-16be', bom: false };
  return { text: decodeUtf8(bytes), encoding: 'utf-8', bom: false };
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new TextDecodeError(`it is not valid UTF-8 (bad or cut-off byte sequence near byte ${firstBadUtf8(bytes)})`);
  }
}

/** Where a UTF-8 decoder would stop: for the message only. */
function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const n = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (n < 0) return i;
    for (let k = 1; k <= n; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return i;
}

function decodeUtf16(bytes: Uint8Array, start: number, littleEndian: boolean): string {
  const length = bytes.length - start;
  if (length % 2 !== 0)
    throw new TextDecodeError(`it is UTF-16 but ends in the middle of a character (${bytes.length} bytes): the file looks truncated`);
  const units = new Uint16Array(length / 2);
  for (let i = 0, at = start; i < units.length; i++, at += 2)
    units[i] = littleEndian ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u >= 0xd800 && u <= 0xdbff) {
      const next = units[i + 1];
      if (next === undefined)
        throw new TextDecodeError('it is UTF-16 but ends in the middle of a character (half a surrogate pair): the file looks truncated');
      if (next < 0xdc00 || next > 0xdfff) throw new TextDecodeError(`it is not valid UTF-16 (an unpaired surrogate at byte ${start + i * 2})`);
      i++;
    } else if (u >= 0xdc00 && u <= 0xdfff) {
      throw new TextDecodeError(`it is not valid UTF-16 (an unpaired surrogate at byte ${start + i * 2})`);
    }
  }
  const parts: string[] = [];
  const CHUNK = 8192;
  for (let i = 0; i < units.length; i += CHUNK) parts.push(String.fromCharCode(...units.subarray(i, i + CHUNK)));
  return parts.join('');
}
