import { useState } from 'react';
import { toClientError, type ClientError } from '../transport/index.js';

/**
 * A dialog's one request: `working` while it is on its way (the confirm button waits), then either `done`
 * with the answer or the host's error kept for the dialog to show.
 */
export function useDialogRequest() {
  const [working, setWorking] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const run = async <T,>(request: () => Promise<T>, done: (result: T) => void) => {
    setWorking(true);
    setError(null);
    let result: T;
    try {
      result = await request();
    } catch (e) {
      setError(toClientError(e));
      setWorking(false);
      return;
    }
    done(result);
  };
  return { working, error, setError, run };
}
