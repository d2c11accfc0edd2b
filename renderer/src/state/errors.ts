import type { ClientError } from '../transport/index.js';

/** A host message as a sentence: capital first letter. */
export function sentence(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

/**
 * The field an error names, as the settings' own path ("memoryMiB", "ide.primaryMaster"): the request
 * layer names it inside the request ("settings.memoryMiB"), the library by itself.
 */
export function errorField(err: ClientError | null): string | null {
  if (!err?.field) return null;
  return err.field.replace(/^settings\./, '');
}

/** The message without its "field: " prefix, for showing beside that field. */
export function fieldMessage(err: ClientError): string {
  const m = /^[\w.[\]]+: (.*)$/s.exec(err.message);
  return sentence(m && err.field ? m[1]! : err.message);
}

/** Does the error belong to this field (or a part of it, "cpu" for "cpu.reserve")? */
export function errorFor(err: ClientError | null, field: string): string | null {
  const f = errorField(err);
  if (!err || !f) return null;
  return f === field || f.startsWith(`${field}.`) ? fieldMessage(err) : null;
}
