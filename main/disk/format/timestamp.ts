import { VHD_EPOCH_UNIX } from './constants.js';

/** Seconds since 2000-01-01 UTC, as VHD timestamps count. */
export function vhdTimestamp(date: Date = new Date()): number {
  return Math.max(0, Math.floor(date.getTime() / 1000) - VHD_EPOCH_UNIX) >>> 0;
}

export function dateFromVhdTimestamp(seconds: number): Date {
  return new Date((seconds + VHD_EPOCH_UNIX) * 1000);
}
