import { createContext, useContext, type ReactNode } from 'react';
import type { KasoClient } from '../transport/index.js';

const ClientContext = createContext<KasoClient | null>(null);

export function ClientProvider({ client, children }: { client: KasoClient; children: ReactNode }) {
  return <ClientContext.Provider value={client}>{children}</ClientContext.Provider>;
}

export function useClient(): KasoClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside ClientProvider');
  return client;
}
