/** Times as the Snapshots panel shows them: in the person's own time zone and way of writing dates. */

/**
 * The person's own locale when it is in the interface's language (en-GB writes 28/11/2026, en-US 11/28/26),
 * else the interface's, so month and day names never come in another language than the words around them.
 */
function locale(): string {
  const ui = document.documentElement.lang || 'en';
  const own = (navigator.languages ?? [navigator.language]).find((l) => l.toLowerCase().split('-')[0] === ui.toLowerCase().split('-')[0]);
  return own ?? ui;
}

/** Short: "28/11/2026, 14:03" (or as the locale writes it). An unreadable time is shown as it came. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' });
}

/** Long, for a tooltip: with the weekday and seconds. */
export function longTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(locale(), { dateStyle: 'full', timeStyle: 'medium' });
}

/** "2026-11-28 14:03" in local time, as the host names a snapshot it is given no name for. */
export function stampNow(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())} ${p(now.getHours())}:${p(now.getMinutes())}`;
}
