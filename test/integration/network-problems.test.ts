import { afterAll, describe, expect, it } from 'vitest';
import type { NetworkInfo } from '../../main/api/networks.js';
import { startHost } from '../helpers/host-harness.js';

/** A host with no passt: host-only and NAT networks still work between VMs and say why nothing leaves them. */
describe('a host without passt', () => {
  const saved = process.env.KASO_PASST;
  afterAll(() => {
    if (saved === undefined) delete process.env.KASO_PASST;
    else process.env.KASO_PASST = saved;
  });

  it('says so on host-only and NAT networks, with the install command, and not on internal ones', async () => {
    process.env.KASO_PASST = '/nonexistent/passt';
    const h = await startHost('no-passt');
    const nat = await h.call<NetworkInfo>('net.create', { settings: { name: 'Out', kind: 'nat' } });
    const lab = await h.call<NetworkInfo>('net.create', { settings: { name: 'Lab', kind: 'internal' } });
    expect(nat.problem).toMatch(/passt is not installed.*install the passt package.*scripts\/build-passt.*KASO_PASST/);
    expect(lab.problem).toBeNull();
    const listed = await h.call<NetworkInfo[]>('net.list', {});
    expect(listed.map((n) => [n.settings.name, n.problem !== null])).toEqual([
      ['Lab', false],
      ['Out', true],
    ]);
  });
});
