import { describe, expect, it } from 'vitest';
import { parseSize } from '../../main/cli/size.js';

describe('parseSize', () => {
  it('reads binary units the way qemu-img does', () => {
    expect(parseSize('4096')).toBe(4096);
    expect(parseSize('512M')).toBe(512 * 1024 ** 2);
    expect(parseSize('20g')).toBe(20 * 1024 ** 3);
    expect(parseSize('1.5T')).toBe(1.5 * 1024 ** 4);
    expect(parseSize('2GiB')).toBe(2 * 1024 ** 3);
  });

  it('rejects what is not a size, saying so', () => {
    expect(() => parseSize('big')).toThrow(/not a size/);
    expect(() => parseSize('-5M')).toThrow(/not a size/);
    expect(() => parseSize('0')).toThrow(/not a usable size/);
  });
});
