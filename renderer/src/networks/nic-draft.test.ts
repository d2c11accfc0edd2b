import { describe, expect, it } from 'vitest';
import type { Nic } from '../../../main/api/networks.js';
import { canAddNic, canRewire, newNic, onlyRewired } from './nic-draft.js';

const nic = (mac: string, network: string | null = 'LabNet'): Nic => ({ model: 'ne2k', mac, network });

describe('adapters in the settings', () => {
  it('gives a new adapter the model its OS knows and a MAC unlike the others', () => {
    const first = newNic([], 'win98', 'LabNet');
    expect(first).toMatchObject({ model: 'ne2k', network: 'LabNet' });
    expect(newNic([first], 'linux64', null)).toMatchObject({ model: 'virtio', network: null });
    expect(newNic([first], 'linux64', null).mac).not.toBe(first.mac);
  });

  it('allows four adapters', () => {
    expect(canAddNic([nic('02:6b:61:00:00:01'), nic('02:6b:61:00:00:02'), nic('02:6b:61:00:00:03')])).toBe(true);
    expect(canAddNic([nic('02:6b:61:00:00:01'), nic('02:6b:61:00:00:02'), nic('02:6b:61:00:00:03'), nic('02:6b:61:00:00:04')])).toBe(false);
  });

  it('lets a running VM change cables only', () => {
    expect(canRewire('running')).toBe(true);
    expect(canRewire('paused')).toBe(true);
    expect(canRewire('saved')).toBe(true);
    expect(canRewire('off')).toBe(false);
    expect(canRewire('saving')).toBe(false);
    const before = [nic('02:6b:61:00:00:01'), nic('02:6b:61:00:00:02')];
    expect(onlyRewired(before, [nic('02:6b:61:00:00:01', null), nic('02:6b:61:00:00:02', 'Other')])).toBe(true);
    expect(onlyRewired(before, [nic('02:6b:61:00:00:01')])).toBe(false);
    expect(onlyRewired(before, [nic('02:6b:61:00:00:01'), { ...nic('02:6b:61:00:00:02'), model: 'virtio' }])).toBe(false);
  });
});
