import { useEffect, type RefObject } from 'react';
import type { ClientError } from '../transport/index.js';

/** When the host (or the check here) refuses, the focus goes to the field it names, marked invalid. */
export function useFocusInvalid(form: RefObject<HTMLFormElement | null>, error: ClientError | null): void {
  useEffect(() => {
    if (error) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [form, error]);
}
