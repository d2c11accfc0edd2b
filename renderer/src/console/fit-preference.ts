import { useState } from 'react';

const KEY = 'kaso.console.fit';

/** Fit to window (the default) or 1:1, remembered between consoles. */
export function useFitPreference(): [boolean, (fit: boolean) => void] {
  const [fit, setFit] = useState(() => localStorage.getItem(KEY) !== 'actual');
  return [
    fit,
    (value) => {
      setFit(value);
      localStorage.setItem(KEY, value ? 'fit' : 'actual');
    },
  ];
}
