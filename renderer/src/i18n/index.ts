import { en, type MessageKey } from './en.js';

export type { MessageKey } from './en.js';
export type Catalogue = Record<MessageKey, string>;

/** Catalogues by language; English is the source, others fill in what they have (Japanese is next). */
const catalogues: Record<string, Partial<Catalogue>> = { en };

function pickLanguage(): string {
  for (const lang of navigator.languages ?? [navigator.language]) {
    const base = lang.toLowerCase().split('-')[0]!;
    if (catalogues[base]) return base;
  }
  return 'en';
}

const active: Partial<Catalogue> = catalogues[pickLanguage()] ?? en;

/** The string for `key` in the user's language, with `{name}` placeholders filled from `params`. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = active[key] ?? en[key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Formats a number for people (1,234). */
export function formatNumber(n: number): string {
  return n.toLocaleString(document.documentElement.lang || 'en');
}

export { formatBytes } from '../../../main/api/units.js';
