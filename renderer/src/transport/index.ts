import type { KasoBridge } from '../../../main/api/bridge.js';
import type { KasoClient } from './client.js';
import { ElectronClient } from './electron.js';
import { WebClient } from './web.js';

export type { ConsoleChannel, HostEvent, KasoClient, ClientError } from './client.js';
export { toClientError } from './client.js';

/** The preload bridge when running in Electron, else the web host this page came from. */
export function createClient(): KasoClient {
  const bridge = (window as unknown as { kaso?: KasoBridge }).kaso;
  return bridge ? new ElectronClient(bridge) : new WebClient();
}
