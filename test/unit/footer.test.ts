import { describe, expect, it } from 'vitest';
import { DiskType } from '../../main/disk/format/constants.js';
import { encodeFooter, parseFooter, virtualSizeOf, type Footer } from '../../main/disk/format/footer.js';
import { geometryForSize } from '../../main/disk/format/geometry.js';
import { newFooter } from '../../main/disk/create.js';
import { encodeDynamicHeader, parseDynamicHeader, emptyLocator } from '../../main/disk/format/dynamic-header.js';

describe('VHD footer', () => {
  it('round-trips through encode and parse with a valid checksum', () => {
    const f = newFooter(DiskType.Dynamic, 10 * 1024 * 1024);
    const parsed = parseFooter(encodeFooter(f))!;
    expect(parsed.problems).toEqual([]);
    expect(parsed.footer.currentSize).toBe(f.currentSize);
    expect(Buffer.from(parsed.footer.uniqueId)).toEqual(Buffer.from(f.uniqueId));
    expect(parsed.footer.creatorApp).toBe('kaso');
  });

  it('reports a flipped byte as a checksum problem, and a missing cookie as no footer', () => {
    const bytes = encodeFooter(newFooter(DiskType.Fixed, 1024 * 1024));
    bytes[50] = bytes[50]! ^ 0x01;
    expect(parseFooter(bytes)!.problems.join()).toMatch(/checksum/);
    bytes[0] = 0x41;
    expect(parseFooter(bytes)).toBeNull();
  });

  it('sizes Virtual PC and old QEMU disks by geometry, everyone else by current size', () => {
    const size = 1024 ** 3; // not CHS-exact: the geometry describes slightly less
    const base: Footer = { ...newFooter(DiskType.Dynamic, size), currentSize: size, geometry: geometryForSize(size) };
    const chs = 2080 * 16 * 63 * 512;
    expect(virtualSizeOf({ ...base, creatorApp: 'vpc ' })).toBe(chs);
    expect(virtualSizeOf({ ...base, creatorApp: 'qemu' })).toBe(chs);
    expect(virtualSizeOf({ ...base, creatorApp: 'win ' })).toBe(size);
    expect(virtualSizeOf({ ...base, creatorApp: 'qem2' })).toBe(size);
    expect(virtualSizeOf({ ...base, creatorApp: 'vbox' })).toBe(size);
  });
});

describe('dynamic header', () => {
  it('round-trips the parent name as UTF-16BE and every locator field', () => {
    const locators = Array.from({ length: 8 }, emptyLocator);
    locators[0] = { platformCode: 0x57326b75, dataSpace: 512, dataLength: 40, dataOffset: 4096 };
    const h = {
      tableOffset: 1536,
      headerVersion: 0x10000,
      maxTableEntries: 32,
      blockSize: 2 * 1024 * 1024,
      checksum: 0,
      parentUniqueId: new Uint8Array(16).fill(7),
      parentTimestamp: 1234,
      parentName: 'ベース ディスク.vhd',
      locators,
    };
    const parsed = parseDynamicHeader(encodeDynamicHeader(h))!;
    expect(parsed.problems).toEqual([]);
    expect(parsed.header.parentName).toBe('ベース ディスク.vhd');
    expect(parsed.header.locators[0]).toEqual(locators[0]);
    expect(parsed.header.parentTimestamp).toBe(1234);
  });
});
