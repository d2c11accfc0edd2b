import { useEffect, useState } from 'react';

export type Route = { view: 'library' } | { view: 'console'; id: string };

function parse(hash: string): Route {
  const m = /^#\/console\/([\w-]+)$/.exec(hash);
  return m ? { view: 'console', id: m[1]! } : { view: 'library' };
}

/** Where the window is: the library, or one VM's console. Kept in the address's #, so reloading stays put. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parse(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parse(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function openConsoleView(id: string): void {
  location.hash = `#/console/${id}`;
}

export function openLibrary(): void {
  location.hash = '#/';
}
