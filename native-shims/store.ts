/**
 * Small persistent settings (preferences, the list of known VMs): electron-store inside the app, its engine
 * `conf` under plain Node. Both write the same JSON file in the same folder, so the app, `kaso serve` and the
 * CLI share it.
 */
export interface Store<T extends Record<string, unknown>> {
  get<K extends keyof T>(key: K): T[K];
  set<K extends keyof T>(key: K, value: T[K]): void;
}

export async function openStore<T extends Record<string, unknown>>(folder: string, name: string, defaults: T): Promise<Store<T>> {
  const options = { cwd: folder, configName: name, defaults, projectName: 'kaso' };
  if (process.versions.electron && (process as { type?: string }).type === 'browser') {
    const { default: ElectronStore } = await import('electron-store');
    return new ElectronStore<T>(options) as unknown as Store<T>;
  }
  const { default: Conf } = await import('conf');
  return new Conf<T>(options) as unknown as Store<T>;
}
