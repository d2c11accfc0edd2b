import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { machineName, parseVmc, pathCandidates, VmcError, type VmcMachine } from '../../main/host/import/vmc.js';
import { parseXml, XmlSyntaxError } from '../../main/host/import/xml.js';
import { decodeXmlBytes, TextDecodeError } from '../../main/host/import/xml-text.js';

/*
 * Fixtures in test/fixtures/vmc/ are written the way Virtual PC 2007 and Virtual Server 2005 R2 write a
 * .vmc (UTF-16 LE with a BOM, CRLF, tabs, the real element names and type= attributes); the values in
 * them (paths, serial numbers, MACs) are made up. tiny-linux.vmc is UTF-8, as scripts that generate a
 * .vmc write it. The cases below that need a broken or unusual file build it with vmc() from XML text.
 */
const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/vmc');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));

/** Text as Virtual PC stores it: BOM, UTF-16 LE, CRLF. */
function utf16(text: string): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf16le')]));
}

const path2 = (absolute: string, relative = '') =>
  `<pathname>\n<absolute type="string">${absolute}</absolute>\n<relative type="string">${relative}</relative>\n</pathname>`;

/** An IDE position: drive_type and, when given, a pathname and an undo_pathname. */
function loc(id: number, driveType: string, pathname = '', undo = ''): string {
  return `<location id="${id}">\n<drive_type type="integer">${driveType}</drive_type>\n${pathname}\n${undo}\n</location>`;
}

interface Parts {
  version?: string;
  memory?: string;
  ide?: string;
  ethernet?: string;
  pciExtra?: string;
  superIo?: string;
  settings?: string;
}

/** A .vmc's XML with sensible parts, any of which a test replaces. */
function vmcText(p: Parts = {}): string {
  return [
    '<?xml version="1.0" encoding="UTF-16"?>',
    '<!-- Microsoft Virtual Machine Options and Settings -->',
    '<preferences>',
    `<version type="string">${p.version ?? '2.0'}</version>`,
    '<hardware>',
    p.memory ?? '<memory>\n<ram_size type="integer">128</ram_size>\n</memory>',
    '<pci_bus>',
    p.ethernet ?? '',
    '<ide_adapter>',
    p.ide ?? `<ide_controller id="0">\n${loc(0, '1', path2('C:\\VMs\\DOS\\dos.vhd', '.\\dos.vhd'))}\n</ide_controller>`,
    '</ide_adapter>',
    p.pciExtra ?? '',
    '</pci_bus>',
    p.superIo ?? '',
    '</hardware>',
    `<settings>\n${p.settings ?? ''}\n</settings>`,
    '</preferences>',
  ].join('\n');
}

const vmc = (p: Parts = {}) => utf16(vmcText(p));

function errorOf(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('parseVmc: files as Virtual PC and Virtual Server write them', () => {
  it('reads a Virtual PC 2007 Windows XP machine: one disk, an ISO in the CD drive, one NIC', () => {
    const bytes = fixture('Windows XP.vmc');
    expect([bytes[0], bytes[1]]).toEqual([0xff, 0xfe]);
    const m = parseVmc(bytes, 'Windows XP.vmc');
    expect(m).toEqual<VmcMachine>({
      name: 'Windows XP',
      memoryMiB: 256,
      ide: {
        primaryMaster: {
          kind: 'disk',
          path: {
            absolute: 'C:\\Documents and Settings\\Ann\\My Documents\\My Virtual Machines\\Windows XP\\Windows XP Hard Disk.vhd',
            relative: '.\\Windows XP Hard Disk.vhd',
          },
        },
        primarySlave: null,
        secondaryMaster: {
          kind: 'cdrom',
          path: {
            absolute: 'C:\\ISO\\en_windows_xp_professional_with_service_pack_3_x86_cd.iso',
            relative: '..\\..\\..\\..\\..\\ISO\\en_windows_xp_professional_with_service_pack_3_x86_cd.iso',
          },
          hostDrive: null,
        },
        secondarySlave: null,
      },
      floppy: null,
      nics: [{ mac: '00:03:FF:4B:2C:1D', network: 'Shared Networking (NAT)' }],
      undoDisks: false,
      notes: 'Build box for the 2008 release & its hotfixes.\nAsk Ann <ann@example.com> before resetting it.',
      warnings: [],
    });
  });

  it('reads a Virtual Server 2005 R2 machine: disks on three IDE positions, a host CD drive, undo disks, two NICs', () => {
    const m = parseVmc(fixture('SRV01.vmc'), 'D:\\Virtual Machines\\SRV01\\SRV01.vmc');
    expect(m.name).toBe('SRV01');
    expect(m.memoryMiB).toBe(1024);
    expect(m.undoDisks).toBe(true);
    expect(m.ide.primaryMaster).toEqual({
      kind: 'disk',
      path: { absolute: 'D:\\Virtual Machines\\SRV01\\SRV01 System.vhd', relative: '.\\SRV01 System.vhd' },
    });
    expect(m.ide.primarySlave).toEqual({
      kind: 'disk',
      path: { absolute: 'D:\\Virtual Machines\\SRV01\\SRV01 Data.vhd', relative: '.\\SRV01 Data.vhd' },
    });
    expect(m.ide.secondaryMaster).toEqual({ kind: 'cdrom', path: null, hostDrive: 'E:' });
    expect(m.ide.secondarySlave).toEqual({ kind: 'disk', path: { absolute: 'F:\\Shared VHDs\\SQL Logs.vhd', relative: null } });
    expect(m.floppy).toEqual({
      absolute: 'C:\\Program Files\\Microsoft Virtual Server\\Virtual Machine Additions\\Floppies\\Drivers.vfd',
      relative: '..\\..\\..\\..\\Program Files\\Microsoft Virtual Server\\Virtual Machine Additions\\Floppies\\Drivers.vfd',
    });
    // Adapter 2 is past controller_count (2): the kept settings of a removed adapter.
    expect(m.nics).toEqual([
      { mac: '00:03:FF:C4:1E:20', network: 'External Network (Intel(R) PRO/1000 MT Network Connection)' },
      { mac: '00:03:FF:C4:1E:21', network: 'Internal Network' },
    ]);
    expect(m.notes).toBe('');
    expect(m.warnings).toHaveLength(2);
    expect(m.warnings[0]).toMatch(/IDE primary master has undo changes waiting in "SRV01 System_SRV01_10261510122008\.vud"/);
    expect(m.warnings[1]).toBe("The CD/DVD drive (IDE secondary master) used the host's drive E:, which Kaso cannot use; it comes over empty.");
  });

  it('reads a UTF-8 file without a BOM, with LF line ends, a relative path only and an empty CD drive', () => {
    const bytes = fixture('tiny-linux.vmc');
    expect(bytes[0]).toBe(0x3c);
    const m = parseVmc(bytes, '/home/ann/vms/tiny-linux.vmc');
    expect(m.name).toBe('tiny-linux');
    expect(m.memoryMiB).toBe(64);
    expect(m.ide.primaryMaster).toEqual({ kind: 'disk', path: { absolute: null, relative: 'tiny-linux.vhd' } });
    expect(m.ide.secondaryMaster).toEqual({ kind: 'cdrom', path: null, hostDrive: null });
    expect(m.nics).toEqual([]);
    expect(m.notes).toBe('Résumé: a tiny guest — 64 MB ✓');
    expect(m.warnings).toEqual([]);
  });

  it('reads the same machine from UTF-16 LE, UTF-16 BE, UTF-8 with a BOM, and UTF-16 LE without a BOM', () => {
    const text = vmcText({ settings: '<notes type="string">Ünïcödé 𝄞</notes>' });
    const le = parseVmc(utf16(text), 'a.vmc');
    const be = Buffer.from(text, 'utf16le').swap16();
    const variants = [
      new Uint8Array(Buffer.concat([Buffer.from([0xfe, 0xff]), be])),
      new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])),
      new Uint8Array(Buffer.from(text, 'utf16le')),
      new Uint8Array(be),
      // What `iconv -f utf-16 -t utf-8` leaves: UTF-8 that still declares encoding="UTF-16".
      new Uint8Array(Buffer.from(text, 'utf8')),
    ];
    expect(le.notes).toBe('Ünïcödé 𝄞');
    for (const bytes of variants) expect(parseVmc(bytes, 'a.vmc')).toEqual(le);
  });

  it('maps each controller/location pair to its IDE slot', () => {
    const disk = (n: string) => path2(`C:\\VMs\\${n}.vhd`, `.\\${n}.vhd`);
    const m = parseVmc(
      vmc({
        ide:
          `<ide_controller id="1">\n${loc(1, '1', disk('d'))}\n${loc(0, '1', disk('c'))}\n</ide_controller>\n` +
          `<ide_controller id="0">\n${loc(1, '1', disk('b'))}\n${loc(0, '1', disk('a'))}\n</ide_controller>`,
      }),
      'x.vmc',
    );
    const names = Object.fromEntries(Object.entries(m.ide).map(([slot, d]) => [slot, d?.kind === 'disk' ? d.path.relative : null]));
    expect(names).toEqual({ primaryMaster: '.\\a.vhd', primarySlave: '.\\b.vhd', secondaryMaster: '.\\c.vhd', secondarySlave: '.\\d.vhd' });
  });

  it('is tolerant of missing optional parts: no memory, no NICs, no settings, no IDE adapter', () => {
    const bare = utf16('<?xml version="1.0" encoding="UTF-16"?>\n<preferences>\n<version type="string">2.0</version>\n</preferences>');
    const m = parseVmc(bare, 'bare.vmc');
    expect(m).toEqual<VmcMachine>({
      name: 'bare',
      memoryMiB: null,
      ide: { primaryMaster: null, primarySlave: null, secondaryMaster: null, secondarySlave: null },
      floppy: null,
      nics: [],
      undoDisks: false,
      notes: '',
      warnings: [],
    });
    // Empty values, and a value element with no type attribute, are fine too.
    const m2 = parseVmc(vmc({ memory: '<memory>\n<ram_size/>\n</memory>', settings: '<undo_drives><enabled>TRUE</enabled></undo_drives>' }), 'y.vmc');
    expect(m2.memoryMiB).toBeNull();
    expect(m2.undoDisks).toBe(true);
  });

  it('ignores the leftover path of a removed drive (drive_type 0)', () => {
    const m = parseVmc(vmc({ ide: `<ide_controller id="0">\n${loc(0, '0', path2('C:\\old.vhd', '.\\old.vhd'))}\n</ide_controller>` }), 'z.vmc');
    expect(m.ide.primaryMaster).toBeNull();
    expect(m.warnings).toEqual([]);
  });
});

describe('parseVmc: what does not come over is said in words', () => {
  it('warns about a hard disk with no file and leaves the slot empty', () => {
    const m = parseVmc(vmc({ ide: `<ide_controller id="0">\n${loc(1, '1', path2(''))}\n</ide_controller>` }), 'nodisk.vmc');
    expect(m.ide.primarySlave).toBeNull();
    expect(m.warnings).toEqual(['IDE primary slave is a hard disk with no disk file named; it is left empty.']);
    const m2 = parseVmc(vmc({ ide: `<ide_controller id="0">\n${loc(0, '1')}\n</ide_controller>` }), 'nodisk.vmc');
    expect(m2.warnings).toEqual(['IDE primary master is a hard disk with no disk file named; it is left empty.']);
  });

  it('warns about a host floppy drive, a second floppy, a saved state and unknown PCI devices', () => {
    const m = parseVmc(
      vmc({
        superIo:
          `<super_io>\n<floppy id="0">\n<auto_detect type="boolean">false</auto_detect>\n${path2('A:')}\n</floppy>\n` +
          `<floppy id="1">\n${path2('C:\\Floppies\\boot.vfd', '..\\Floppies\\boot.vfd')}\n</floppy>\n` +
          `<floppy id="2">\n${path2('C:\\Floppies\\drivers.vfd')}\n</floppy>\n</super_io>`,
        pciExtra: '<scsi_adapter>\n<controller_count type="integer">1</controller_count>\n</scsi_adapter>',
        settings:
          '<configuration>\n<saved_state>\n<path>\n<absolute type="string">C:\\VMs\\DOS\\DOS.vsv</absolute>\n' +
          '<relative type="string">.\\DOS.vsv</relative>\n</path>\n</saved_state>\n</configuration>',
      }),
      'DOS.vmc',
    );
    expect(m.floppy).toEqual({ absolute: 'C:\\Floppies\\boot.vfd', relative: '..\\Floppies\\boot.vfd' });
    expect(m.warnings).toEqual([
      'The PCI device "scsi_adapter" in the file is not carried over.',
      "Floppy drive 0 used the host's drive A:, which Kaso cannot use; it comes over empty.",
      'Kaso has one floppy drive; the disk "drivers.vfd" (C:\\Floppies\\drivers.vfd) in floppy drive 2 is not carried over.',
      'The file refers to a saved state ("DOS.vsv" (C:\\VMs\\DOS\\DOS.vsv)): if the machine was left saved in Virtual PC, Kaso cannot resume it and the guest starts as if its power had been cut.',
    ]);
  });

  it('warns when controller_count promises more adapters than the file describes, and drops an all-zero MAC', () => {
    const m = parseVmc(
      vmc({
        ethernet:
          '<ethernet_adapter>\n<controller_count type="integer">2</controller_count>\n<ethernet_controller id="0">\n' +
          '<virtual_network>\n<id type="bytes" />\n<name type="string" />\n</virtual_network>\n' +
          '<ethernet_card_address type="bytes">000000000000</ethernet_card_address>\n</ethernet_controller>\n</ethernet_adapter>',
      }),
      'n.vmc',
    );
    expect(m.nics).toEqual([{ mac: null, network: null }]);
    expect(m.warnings).toEqual(['The file says the machine has 2 network adapters but describes only 1; only those come over.']);
  });

  it('ignores adapters past controller_count without a word: Virtual PC keeps a removed adapter\'s settings', () => {
    const m = parseVmc(
      vmc({
        ethernet:
          '<ethernet_adapter>\n<controller_count type="integer">0</controller_count>\n<ethernet_controller id="0">\n' +
          '<virtual_network>\n<name type="string">Local only</name>\n</virtual_network>\n' +
          '<ethernet_card_address type="bytes">0003FF123456</ethernet_card_address>\n</ethernet_controller>\n</ethernet_adapter>',
      }),
      'n0.vmc',
    );
    expect(m.nics).toEqual([]);
    expect(m.warnings).toEqual([]);
  });

  it('warns about a position with a file but no drive type, and takes a drive letter in either path field as a host drive', () => {
    const m = parseVmc(
      vmc({
        ide:
          '<ide_controller id="0">\n<location id="1">\n' + path2('C:\\x.vhd') + '\n</location>\n</ide_controller>\n' +
          `<ide_controller id="1">\n${loc(1, '2', path2('d:', 'D:'))}\n</ide_controller>`,
      }),
      't.vmc',
    );
    expect(m.ide.primarySlave).toBeNull();
    expect(m.ide.secondarySlave).toEqual({ kind: 'cdrom', path: null, hostDrive: 'D:' });
    expect(m.warnings[0]).toBe('IDE primary slave names a file but not what kind of drive it is; it is left empty.');
    expect(m.warnings[1]).toMatch(/IDE secondary slave\) used the host's drive D:/);
  });

  it('warns about a format version it does not know', () => {
    expect(parseVmc(vmc({ version: '3.0' }), 'v.vmc').warnings[0]).toMatch(/format version 3\.0/);
  });
});

describe('parseVmc: malformed input is refused with a message naming the file', () => {
  const cases: [string, Uint8Array, RegExp][] = [
    ['an empty file', new Uint8Array(0), /^empty\.vmc: .*empty/],
    ['plain text', new Uint8Array(Buffer.from('This is not a virtual machine.\r\n')), /not XML/],
    ['a VHD footer', new Uint8Array(Buffer.from('conectix\0\0\0\x02\0\x01\0\0', 'latin1')), /not XML|XML does not allow/],
    ['invalid UTF-8', new Uint8Array([0x3c, 0x61, 0x3e, 0xc3, 0x28, 0x3c, 0x2f, 0x61, 0x3e]), /not valid UTF-8/],
    ['a wrong root', utf16('<?xml version="1.0" encoding="UTF-16"?>\n<configuration><memory/></configuration>'), /root element is <configuration>, not <preferences>/],
    ['a .vmcx shortcut', utf16('<vm_description><vmc_path type="string">C:\\x.vmc</vmc_path></vm_description>'), /\.vmcx shortcut/],
    ['a UTF-16 file cut at an odd byte', vmc().subarray(0, 1001), /ends in the middle of a character.*truncated/],
    ['a UTF-16 file cut mid-element', vmc().subarray(0, 600), /XML is broken: the document ends inside .*\(it looks truncated\)/],
    ['a file padded with zeros after a failed copy', new Uint8Array([...vmc().subarray(0, 400), 0, 0, 0, 0]), /NUL character/],
    ['a DTD', utf16('<?xml version="1.0"?>\n<!DOCTYPE preferences [<!ENTITY x "y">]>\n<preferences/>'), /document type declaration/],
    ['an absurd memory size', vmc({ memory: '<memory><ram_size type="integer">999999</ram_size></memory>' }), /memory size 999999 MB is not a size a machine can have/],
    ['a zero memory size', vmc({ memory: '<memory><ram_size type="integer">0</ram_size></memory>' }), /memory size 0 MB/],
    ['a memory size that is not a number', vmc({ memory: '<memory><ram_size type="integer">512MB</ram_size></memory>' }), /"512MB", which is not a whole number/],
    ['a value of the wrong type', vmc({ memory: '<memory><ram_size type="string">512</ram_size></memory>' }), /<ram_size> on line \d+ is of type "string" where Virtual PC writes "integer"/],
    ['an unknown drive type', vmc({ ide: `<ide_controller id="0">${loc(0, '3', path2('C:\\a.vhd'))}</ide_controller>` }), /IDE primary master has drive type 3/],
    ['a third IDE controller', vmc({ ide: `<ide_controller id="2">${loc(0, '1', path2('C:\\a.vhd'))}</ide_controller>` }), /IDE controller on line \d+ has the id "2"/],
    ['a position without an id', vmc({ ide: '<ide_controller id="0"><location><drive_type type="integer">0</drive_type></location></ide_controller>' }), /drive position on IDE controller 0 on line \d+ has no id/],
    ['a position described twice', vmc({ ide: `<ide_controller id="0">${loc(0, '0')}${loc(0, '0')}</ide_controller>` }), /position 0 is described twice/],
    ['two memory elements', vmc({ memory: '<memory/><memory/>' }), /<hardware> has two <memory> elements/],
    ['a bad MAC', vmc({ ethernet: '<ethernet_adapter><ethernet_controller id="0"><ethernet_card_address type="bytes">00-03-FF-12-34-56</ethernet_card_address></ethernet_controller></ethernet_adapter>' }), /network adapter 0 has the address "00-03-FF-12-34-56"/],
    ['an absurd NIC count', vmc({ ethernet: '<ethernet_adapter><controller_count type="integer">40</controller_count></ethernet_adapter>' }), /claims 40 network adapters/],
    ['undo disks neither true nor false', vmc({ settings: '<undo_drives><enabled type="boolean">yes</enabled></undo_drives>' }), /undo disks.*"yes"; it should be true or false/],
    ['a foreign declared encoding', new Uint8Array(Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><preferences><settings><notes>é</notes></settings></preferences>', 'utf8')), /declares the encoding "ISO-8859-1"/],
    ['a mismatched end tag', utf16('<preferences><hardware></settings></preferences>'), /<\/settings> does not match <hardware> opened on line 1/],
    ['an undefined entity', utf16('<preferences><settings><notes>&nbsp;</notes></settings></preferences>'), /entity &nbsp; is not defined/],
  ];
  for (const [what, bytes, message] of cases) {
    it(`refuses ${what}`, () => {
      const e = errorOf(() => parseVmc(bytes, what === 'an empty file' ? 'empty.vmc' : 'C:\\VMs\\broken.vmc'));
      expect(e).toBeInstanceOf(VmcError);
      expect(e.message).toMatch(message);
      if (what !== 'an empty file') expect(e.message.startsWith('broken.vmc: ')).toBe(true);
    });
  }

  it('refuses a file too large to be a .vmc without reading it', () => {
    expect(() => parseVmc(new Uint8Array(5 * 1024 * 1024), 'big.vmc')).toThrow(/far too large/);
  });

  it('says where the XML breaks', () => {
    const e = errorOf(() => parseVmc(utf16('<preferences>\n<hardware>\n<memory a="1" a="2"/>\n</hardware>\n</preferences>'), 'dup.vmc'));
    expect(e.message).toBe('dup.vmc: not a readable Virtual PC machine file: the XML is broken: the attribute "a" appears twice in <memory> (line 3, column 15)');
  });
});

describe('pathCandidates', () => {
  const posix = path.posix;
  const win32 = path.win32;

  it('puts the relative path, resolved against the .vmc folder, first', () => {
    expect(
      pathCandidates({ absolute: 'C:\\VMs\\XP\\XP Disk.vhd', relative: '.\\XP Disk.vhd' }, '/home/ann/vms/XP', posix),
    ).toEqual(['/home/ann/vms/XP/XP Disk.vhd', '/mnt/c/VMs/XP/XP Disk.vhd']);
  });

  it('follows ..\\ in relative paths', () => {
    expect(pathCandidates({ absolute: null, relative: '..\\..\\ISO\\xp.iso' }, '/home/ann/vms/XP', posix)).toEqual(['/home/ann/ISO/xp.iso']);
    expect(pathCandidates({ absolute: null, relative: 'tiny.vhd' }, '/srv/vm', posix)).toEqual(['/srv/vm/tiny.vhd']);
  });

  it('maps an absolute path alone to the same name beside the .vmc, then to where WSL mounts the drive', () => {
    expect(pathCandidates({ absolute: 'F:\\Shared VHDs\\SQL Logs.vhd', relative: null }, '/data/SRV01', posix)).toEqual([
      '/data/SRV01/SQL Logs.vhd',
      '/mnt/f/Shared VHDs/SQL Logs.vhd',
    ]);
    expect(pathCandidates({ absolute: '\\\\fileserver\\vhds\\base.vhd', relative: null }, '/data/SRV01', posix)).toEqual(['/data/SRV01/base.vhd']);
  });

  it('keeps the absolute path as written on a Windows host', () => {
    expect(pathCandidates({ absolute: 'D:\\VMs\\SRV01\\Data.vhd', relative: '.\\Data.vhd' }, 'E:\\Copied\\SRV01', win32)).toEqual([
      'E:\\Copied\\SRV01\\Data.vhd',
      'D:\\VMs\\SRV01\\Data.vhd',
    ]);
  });

  it('treats a "relative" path that is really absolute as absolute, and lists each candidate once', () => {
    expect(pathCandidates({ absolute: 'C:\\a\\x.vhd', relative: 'C:\\a\\x.vhd' }, '/v', posix)).toEqual(['/v/x.vhd', '/mnt/c/a/x.vhd']);
    expect(pathCandidates({ absolute: null, relative: null }, '/v', posix)).toEqual([]);
  });

  it('uses the host path functions by default', () => {
    expect(pathCandidates({ absolute: null, relative: '.\\x.vhd' }, path.resolve('vms'))).toEqual([path.join(path.resolve('vms'), 'x.vhd')]);
  });
});

describe('machineName', () => {
  it('is the file name without .vmc, from a Windows or a POSIX path', () => {
    expect(machineName('C:\\VMs\\Windows XP\\Windows XP.vmc')).toBe('Windows XP');
    expect(machineName('/home/ann/SRV01.VMC')).toBe('SRV01');
    expect(machineName('odd.name.vmc')).toBe('odd.name');
  });
});

describe('decodeXmlBytes', () => {
  it('strips the BOM and names the encoding', () => {
    expect(decodeXmlBytes(utf16('<a/>'))).toEqual({ text: '<a/>', encoding: 'utf-16le', bom: true });
    expect(decodeXmlBytes(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0x61, 0x2f, 0x3e]))).toEqual({ text: '<a/>', encoding: 'utf-8', bom: true });
  });

  it('refuses an unpaired surrogate and a lone half of a pair at the end', () => {
    const lone = new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x00, 0xd8, 0x61, 0x00]);
    expect(() => decodeXmlBytes(lone)).toThrow(TextDecodeError);
    expect(() => decodeXmlBytes(lone)).toThrow(/unpaired surrogate at byte 4/);
    expect(() => decodeXmlBytes(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x3d, 0xd8]))).toThrow(/half a surrogate pair/);
  });

  it('decodes long files across its internal chunks, pairs included', () => {
    const text = `<a>${'𝄞x'.repeat(10_000)}</a>`;
    expect(decodeXmlBytes(utf16(text)).text).toBe(text);
  });
});

describe('parseXml', () => {
  it('reads elements, attributes, text, entities, character references, CDATA, comments and PIs', () => {
    const doc = parseXml(
      '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>\r\n<!-- c -->\r\n<?pi data?>\r\n' +
        "<r a='1 &amp; 2' b=\"&#x41;&#66;&lt;&gt;&quot;&apos;\">x<!-- in -->y<![CDATA[<&>]]><c/>z<?p?></r>\n",
    );
    expect(doc.declaration).toEqual({ version: '1.0', encoding: 'UTF-16', standalone: true });
    expect(doc.root.name).toBe('r');
    expect(doc.root.line).toBe(4);
    expect(Object.fromEntries(doc.root.attributes)).toEqual({ a: '1 & 2', b: 'AB<>"\'' });
    expect(doc.root.text).toBe('xy<&>z');
    expect(doc.root.children.map((c) => c.name)).toEqual(['c']);
  });

  it('normalises line ends in text and white space in attribute values', () => {
    const doc = parseXml('<r a="x\r\ny\tz&#10;">1\r\n2\r3</r>');
    expect(doc.root.attributes.get('a')).toBe('x y z\n');
    expect(doc.root.text).toBe('1\n2\n3');
  });

  const bad: [string, string, RegExp][] = [
    ['two roots', '<a/><b/>', /after the root element/],
    ['text outside the root', 'x<a/>', /text outside the root/],
    ['no root', '<!-- only -->', /no root element/],
    ['an unclosed element', '<a><b></b>', /ends inside <a>/],
    ['a late declaration', '<a/><?xml version="1.0"?>', /not at the very start/],
    ['a declaration without version', '<?xml encoding="UTF-8"?><a/>', /no version/],
    ['a declaration out of order', '<?xml encoding="UTF-8" version="1.0"?><a/>', /out of order/],
    ['XML 2.0', '<?xml version="2.0"?><a/>', /not 1\.x/],
    ['"<" in an attribute', '<a b="<"/>', /"<" inside an attribute value/],
    ['an unquoted attribute', '<a b=1/>', /quoted attribute value/],
    ['a bare ampersand', '<a>fish & chips</a>', /"&" must start a reference/],
    ['a reference to a forbidden character', '<a>&#0;</a>', /character XML does not allow/],
    ['a huge character reference', '<a>&#x1100000;</a>', /character XML does not allow/],
    ['"--" in a comment', '<a><!-- a -- b --></a>', /"--" inside a comment/],
    ['"]]>" in text', '<a>]]></a>', /"]]>" in text/],
    ['a bad name', '<a><1b/></a>', /expected an element name/],
    ['a bad root name', '<1a/>', /expected the root element/],
    ['a control character', '<a>\u0001</a>', /U\+0001/],
    ['a truncated start tag', '<a b="1"', /ends inside the start tag <a>/],
    ['an unclosed end tag', '<a></a', /expected ">" to close <\/a/],
    ['a stray end tag', '</a>', /expected the root element/],
    ['a missing space between attributes', '<a b="1"c="2"/>', /expected white space/],
  ];
  for (const [what, text, message] of bad) {
    it(`refuses ${what}`, () => {
      const e = errorOf(() => parseXml(text));
      expect(e).toBeInstanceOf(XmlSyntaxError);
      expect(e.message).toMatch(message);
    });
  }

  it('limits nesting depth', () => {
    expect(() => parseXml('<a>'.repeat(300) + '</a>'.repeat(300))).toThrow(/nested more than 256 deep/);
    expect(parseXml('<a>'.repeat(200) + '</a>'.repeat(200)).root.name).toBe('a');
  });

  it('reports the line and column of an error, counting characters rather than UTF-16 units', () => {
    const e = errorOf(() => parseXml('<a>\n<b>𝄞𝄞 &bogus;</b></a>')) as XmlSyntaxError;
    expect([e.line, e.column]).toEqual([2, 7]);
  });
});
