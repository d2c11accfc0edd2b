import type { z } from 'zod';
import type { ClientError } from '../transport/index.js';

/**
 * The host's own schema, checked here first for an immediate answer: the parsed input, or the error the
 * host would give (field named), so the dialog shows it in the same place.
 */
export function check<S extends z.ZodType>(schema: S, input: unknown): { ok: true; value: z.infer<S> } | { ok: false; error: ClientError } {
  const r = schema.safeParse(input);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0]!;
  const field = issue.path.join('.');
  return { ok: false, error: { code: 'INVALID_INPUT', message: field ? `${field}: ${issue.message}` : issue.message, ...(field ? { field } : {}) } };
}
