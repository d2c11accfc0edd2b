import { useEffect, useRef, useState } from 'react';
import { sentence } from './errors.js';
import { useNotices } from './notices.js';
import { toClientError, type ClientError } from '../transport/index.js';

/**
 * A dialog's one request: `working` while it is on its way, then `done` with the
 * answer, or the host's error kept for the dialog to show. A long copy may outlive its dialog (the person
 * closed it): `done` still runs, and an error becomes a notice instead.
 */
export function useDialogRequest() {
  const { push } = useNotices();
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const open = useRef(true);
  useEffect(() => {
    open.current = true;
    return () => {
      open.current = false;
    };
  }, []);

  const run = async <T,>(request: () => Promise<T>, done: (result: T) => void) => {
    setWorking(true);
    setError(null);
    let result: T;
    try {
      result = await request();
    } catch (e) {
      const err = toClientError(e);
      if (!open.current) return push('error', sentence(err.message));
      setError(err);
      setWorking(false);
      return;
    }
    if (open.current) setWorking(false);
    done(result);
  };
  return { working, error, setError, run, isOpen: () => open.current };
}
