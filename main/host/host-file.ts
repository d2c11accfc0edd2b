import { existsSync, promises as fs } from 'node:fs';
import { replaceAtomically } from '../disk/index.js';
import { hostFile } from './paths.js';

/** How a running host is found: its address, token and process id, in KASO_HOME/host.json. */
export interface HostAddress {
  url: string;
  token: string;
  pid: number;
  started: string;
}

export async function writeHostFile(address: HostAddress): Promise<void> {
  await replaceAtomically(hostFile(), `${JSON.stringify(address, null, 2)}\n`);
  await fs.chmod(hostFile(), 0o600); // the token is a password
}

export async function readHostFile(): Promise<HostAddress | null> {
  if (!existsSync(hostFile())) return null;
  try {
    const a = JSON.parse(await fs.readFile(hostFile(), 'utf8')) as HostAddress;
    return alive(a.pid) ? a : null;
  } catch {
    return null;
  }
}

export async function removeHostFile(pid = process.pid): Promise<void> {
  const a = await readHostFileRaw();
  if (a?.pid === pid) await fs.rm(hostFile(), { force: true });
}

async function readHostFileRaw(): Promise<HostAddress | null> {
  try {
    return JSON.parse(await fs.readFile(hostFile(), 'utf8')) as HostAddress;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
