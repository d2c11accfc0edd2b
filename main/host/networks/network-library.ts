import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { NetworkSettingsFields, type NetworkSettings } from '../../api/networks.js';
import { ApiError } from '../../api/requests.js';
import { replaceAtomically } from '../../disk/atomic-file.js';
import { checkNetwork } from './network-rules.js';

const NetworkFileSchema = z.object({
  format: z.literal('kaso-network'),
  version: z.literal(1),
  id: z.string(),
  created: z.string(),
  modified: z.string(),
  settings: NetworkSettingsFields,
});
type NetworkFile = z.infer<typeof NetworkFileSchema>;

export const NETWORK_EXT = '.kasonet';

/**
 * The virtual networks: one `<Name>.kasonet` file each in the home's Networks folder (as Virtual Server kept
 * `.vnc` files beside its VMs), with the DHCP leases beside it. A file that does not parse is reported and
 * left alone, never overwritten.
 */
export class NetworkLibrary {
  private readonly files = new Map<string, NetworkFile>();
  readonly problems: string[] = [];

  private constructor(readonly folder: string) {}

  static async open(home: string): Promise<NetworkLibrary> {
    const lib = new NetworkLibrary(path.join(home, 'Networks'));
    await fs.mkdir(lib.folder, { recursive: true });
    for (const name of await fs.readdir(lib.folder)) {
      if (!name.endsWith(NETWORK_EXT)) continue;
      const file = path.join(lib.folder, name);
      try {
        const parsed = NetworkFileSchema.parse(JSON.parse(await fs.readFile(file, 'utf8')));
        lib.files.set(parsed.settings.name.toLowerCase(), parsed);
      } catch (e) {
        lib.problems.push(`${file} is not a network Kaso can read (${(e as Error).message.split('\n')[0]}); it is left as it is`);
      }
    }
    return lib;
  }

  list(): NetworkSettings[] {
    return [...this.files.values()].map((f) => f.settings).sort((a, b) => a.name.localeCompare(b.name));
  }

  find(name: string): NetworkSettings | null {
    return this.files.get(name.toLowerCase())?.settings ?? null;
  }

  get(name: string): NetworkSettings {
    const s = this.find(name);
    if (!s) throw new ApiError('NOT_FOUND', `there is no virtual network named "${name}"`);
    return s;
  }

  idOf(name: string): string {
    return this.files.get(name.toLowerCase())!.id;
  }

  fileOf(name: string): string {
    return path.join(this.folder, `${this.get(name).name}${NETWORK_EXT}`);
  }

  leasesFileOf(name: string): string {
    return path.join(this.folder, `${this.get(name).name}.leases.json`);
  }

  async create(settings: NetworkSettings): Promise<NetworkSettings> {
    if (this.find(settings.name)) throw new ApiError('CONFLICT', `a virtual network named "${settings.name}" already exists`, 'name');
    const file = path.join(this.folder, `${settings.name}${NETWORK_EXT}`);
    if (existsSync(file)) throw new ApiError('CONFLICT', `${file} already exists`, 'name');
    checkNetwork(settings);
    const now = new Date().toISOString();
    return this.write({ format: 'kaso-network', version: 1, id: randomUUID(), created: now, modified: now, settings });
  }

  async update(name: string, patch: Partial<NetworkSettings>): Promise<NetworkSettings> {
    const current = this.files.get(this.get(name).name.toLowerCase())!;
    const parsed = NetworkSettingsFields.safeParse({ ...current.settings, ...patch, name: current.settings.name });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ApiError('INVALID_INPUT', `${issue.path.join('.')}: ${issue.message}`, issue.path.join('.'));
    }
    checkNetwork(parsed.data);
    return this.write({ ...current, modified: new Date().toISOString(), settings: parsed.data });
  }

  async remove(name: string): Promise<void> {
    const s = this.get(name);
    await fs.rm(path.join(this.folder, `${s.name}${NETWORK_EXT}`), { force: true });
    await fs.rm(this.leasesFileOf(s.name), { force: true });
    this.files.delete(s.name.toLowerCase());
  }

  private async write(f: NetworkFile): Promise<NetworkSettings> {
    await replaceAtomically(path.join(this.folder, `${f.settings.name}${NETWORK_EXT}`), JSON.stringify(f, null, 2));
    this.files.set(f.settings.name.toLowerCase(), f);
    return f.settings;
  }
}
