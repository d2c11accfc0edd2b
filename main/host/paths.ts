import os from 'node:os';
import path from 'node:path';

/**
 * Where Kaso keeps its things: KASO_HOME when set (tests, portable installs), else the platform's place
 * for application data. The VM library's default folder and the running host's address file live there.
 */
export function kasoHome(): string {
  if (process.env.KASO_HOME) return path.resolve(process.env.KASO_HOME);
  const home = os.homedir();
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Kaso');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Kaso');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'kaso');
}

/** New VMs go here, one folder each (like "My Virtual Machines" in Virtual PC). */
export function defaultLibraryFolder(home = kasoHome()): string {
  return path.join(home, 'Virtual Machines');
}

/** The running host writes its URL, token and pid here; the CLI reads it to find the host. */
export function hostFile(home = kasoHome()): string {
  return path.join(home, 'host.json');
}
