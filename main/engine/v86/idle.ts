import type { V86Inside } from './internals.js';

/**
 * An idle guest (the CPU halted, waiting for an interrupt) makes v86 spin on setImmediate: 25-30% of a core.
 * While halted, wait at least a millisecond between timer ticks instead: a tenth of that, with no loss when
 * busy. A device interrupt that ends the halt (a disk, a key, a serial byte) still runs at once: v86 asks
 * for that with next_tick(0) while idle, and delaying it would slow every disk read of a boot.
 */
export function calmIdleGuest(v86: V86Inside): void {
  let wake = false;
  const nextTick = v86.next_tick.bind(v86);
  v86.next_tick = (t: number) => {
    if (v86.idle && t === 0) wake = true; // the stop-idling path: a device wants the CPU now
    nextTick(t);
  };
  v86.yield = function (this: V86Inside, t: number, tick: number) {
    const wait = wake ? 0 : this.cpu.in_hlt[0] ? Math.max(t, 1) : t;
    wake = false;
    if (wait < 1) setImmediate(() => this.yield_callback(tick));
    else setTimeout(() => this.yield_callback(tick), wait);
  };
}
