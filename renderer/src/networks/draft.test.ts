import { describe, expect, it } from 'vitest';
import type { NetworkSettings } from '../../../main/api/networks.js';
import { fromDraft, moveItem, networkPatch, parsePorts, toDraft } from './draft.js';
import { tabOfField } from './tabs.js';

const lab: NetworkSettings = {
  name: 'LabNet',
  kind: 'host-only',
  subnet: '10.70.0.0/24',
  mtu: 1500,
  dhcp: { enabled: true, first: '10.70.0.100', last: '10.70.0.199', leaseSeconds: 3600, gateway: '10.70.0.1', dns: ['10.70.0.1'] },
  defaultIn: 'deny',
  defaultOut: 'allow',
  rules: [{ action: 'allow', direction: 'in', protocol: 'tcp', peer: null, ports: { from: 22, to: 22 }, note: 'ssh' }],
  forwards: [],
  notes: '',
};

describe('the network draft', () => {
  it('comes back as the same settings when nothing was touched', () => {
    const back = fromDraft(toDraft(lab));
    expect(back).toEqual({ settings: lab });
    expect(networkPatch(lab, lab)).toEqual({});
  });

  it('turns typed text into settings: ports, peers, DNS list, an empty gateway', () => {
    const d = toDraft(lab);
    d.rules = [{ ...d.rules[0]!, ports: ' 8000 - 8100 ', peer: ' 10.70.0.0/25 ' }];
    d.dhcp = { ...d.dhcp, gateway: ' ', dns: '10.70.0.1, 1.1.1.1;9.9.9.9' };
    const back = fromDraft(d);
    expect('settings' in back && back.settings.rules[0]).toMatchObject({ ports: { from: 8000, to: 8100 }, peer: '10.70.0.0/25' });
    expect('settings' in back && back.settings.dhcp).toMatchObject({ gateway: null, dns: ['10.70.0.1', '1.1.1.1', '9.9.9.9'] });
  });

  it('names the field of a slip, from its own checks and from the host schema', () => {
    const d = toDraft(lab);
    expect(fromDraft({ ...d, rules: [{ ...d.rules[0]!, ports: '22,23' }] })).toEqual({ problem: { field: 'rules.0.ports', key: 'net.error.ports' } });
    expect(fromDraft({ ...d, rules: [{ ...d.rules[0]!, peer: 'gateway' }] })).toEqual({ problem: { field: 'rules.0.peer', key: 'net.error.peer' } });
    const bad = fromDraft({ ...d, dhcp: { ...d.dhcp, first: '10.70.0' } });
    expect('problem' in bad && bad.problem.field).toBe('dhcp.first');
    const reversed = fromDraft({ ...d, rules: [{ ...d.rules[0]!, ports: '90-80' }] });
    expect('problem' in reversed && reversed.problem.field).toMatch(/^rules\.0\.ports/);
  });

  it('sends only the top-level settings that changed, never the name', () => {
    const after = { ...lab, name: 'Other', mtu: 9000, dhcp: { ...lab.dhcp, enabled: false } };
    expect(networkPatch(lab, after)).toEqual({ mtu: 9000, dhcp: after.dhcp });
  });
});

describe('helpers', () => {
  it('parses ports', () => {
    expect(parsePorts('')).toBeNull();
    expect(parsePorts('443')).toEqual({ from: 443, to: 443 });
    expect(parsePorts('1-1024')).toEqual({ from: 1, to: 1024 });
    expect(parsePorts('http')).toBeUndefined();
  });

  it('moves a rule up and down, and not past either end', () => {
    expect(moveItem(['a', 'b', 'c'], 2, -1)).toEqual(['a', 'c', 'b']);
    expect(moveItem(['a', 'b', 'c'], 0, -1)).toEqual(['a', 'b', 'c']);
  });

  it('finds the tab of a field', () => {
    expect(tabOfField('dhcp.first')).toBe('dhcp');
    expect(tabOfField('rules.3.peer')).toBe('firewall');
    expect(tabOfField('forwards.0.hostPort')).toBe('forwards');
    expect(tabOfField('subnet')).toBe('general');
  });
});
