import { t } from '../i18n/index.js';
import type { ClientError } from '../transport/index.js';

/** The error the host would give a name the library has (compared as it does, ignoring case), or null. */
export function nameTaken(name: string, taken: readonly string[]): ClientError | null {
  const wanted = name.trim().toLowerCase();
  if (!wanted || !taken.some((n) => n.toLowerCase() === wanted)) return null;
  return { code: 'CONFLICT', message: t('wizard.name.taken', { name: name.trim() }), field: 'name' };
}
