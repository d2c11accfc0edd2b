import { describe, expect, it } from 'vitest';
import { MacSchema } from '../../../main/api/networks.js';
import { normalizeMac, randomMac } from './mac.js';

describe('randomMac', () => {
  it('makes a locally administered unicast Kaso address the host accepts', () => {
    for (let i = 0; i < 200; i++) {
      const mac = randomMac();
      expect(mac).toMatch(/^02:6b:61(:[0-9a-f]{2}){3}$/);
      expect(MacSchema.safeParse(mac).success).toBe(true);
    }
  });

  it('never gives one of the addresses already taken', () => {
    const sequence = [
      [0xaa, 0xbb, 0xcc],
      [0xaa, 0xbb, 0xcc],
      [0x01, 0x02, 0x03],
    ];
    let call = 0;
    const fake = (b: Uint8Array) => {
      b.set(sequence[call++]!);
      return b;
    };
    expect(randomMac(['02-6B-61-AA-BB-CC'], fake)).toBe('02:6b:61:01:02:03');
    expect(call).toBe(3);
  });
});

describe('normalizeMac', () => {
  it('writes an address as the host stores it', () => {
    expect(normalizeMac(' 02-6B-61-0A-0B-0C ')).toBe('02:6b:61:0a:0b:0c');
  });
});
