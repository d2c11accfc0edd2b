import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PlatformCode } from './constants.js';

/**
 * What a parent locator's data means. Kaso writes W2ku (absolute) and W2ru (relative to the child's folder),
 * both UTF-16LE, as Hyper-V and VirtualBox do; it reads every kind except Mac OS alias blobs.
 */
export function decodeLocatorPath(platformCode: number, data: Uint8Array): string | null {
  switch (platformCode) {
    case PlatformCode.W2ku:
    case PlatformCode.W2ru:
      return trimNul(Buffer.from(data.subarray(0, data.length - (data.length % 2))).toString('utf16le'));
    case PlatformCode.Wi2k:
    case PlatformCode.Wi2r:
      return trimNul(Buffer.from(data).toString('latin1'));
    case PlatformCode.MacX: {
      const text = trimNul(Buffer.from(data).toString('utf8'));
      try {
        return text.startsWith('file:') ? fileURLToPath(text) : text;
      } catch {
        return null;
      }
    }
    default:
      return null;
  }
}

export function encodeUtf16Le(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'utf16le'));
}

export function encodeMacX(absolute: string): Uint8Array {
  return new Uint8Array(Buffer.from(pathToFileURL(absolute).href, 'utf8'));
}

export function isRelativeLocator(platformCode: number): boolean {
  return platformCode === PlatformCode.W2ru || platformCode === PlatformCode.Wi2r;
}

export function platformCodeName(code: number): string {
  const name = Object.entries(PlatformCode).find(([, v]) => v === code)?.[0];
  return name ?? `0x${code.toString(16)}`;
}

/**
 * The relative locator text for a parent, seen from the child's folder, in Windows form (".\\base.vhd",
 * "..\\gold\\base.vhd") so Hyper-V and Virtual PC follow it too.
 */
export function relativeLocatorText(childFile: string, parentFile: string): string {
  const rel = path.relative(path.dirname(path.resolve(childFile)), path.resolve(parentFile));
  const windows = rel.split(path.sep).join('\\');
  return windows.startsWith('..') ? windows : `.\\${windows}`;
}

/** Turns locator text written on any platform into a path on this host, resolving relative ones. */
export function hostPathFromLocator(text: string, relative: boolean, childDir: string): string {
  const unified = text.replace(/\\/g, '/');
  if (relative) return path.resolve(childDir, unified);
  if (/^[A-Za-z]:\//.test(unified) && path.sep === '/') return unified; // a Windows path on a POSIX host: kept as is
  return path.resolve(unified);
}

function trimNul(s: string): string {
  const end = s.indexOf('\0');
  return end < 0 ? s : s.slice(0, end);
}
