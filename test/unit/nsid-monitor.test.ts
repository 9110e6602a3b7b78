import { describe, expect, it } from 'vitest';
import { monitorLineSource, namesWithoutNsid, nsidBatch, parseNsidList } from '../../src/watch/nsid-monitor.js';

describe('monitorLineSource: whose change a line of ip monitor all-nsid reports', () => {
  it('[nsid N] names another namespace by its id in the host', () => {
    expect(monitorLineSource('[nsid 0]2: v1@if2: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default ')).toBe(0);
    expect(monitorLineSource('[nsid 17]10.98.0.0/24 via 10.99.0.2 dev ifb0 ')).toBe(17);
    expect(monitorLineSource('[nsid 3]Deleted 2: v1@NONE: <BROADCAST,MULTICAST> mtu 1500')).toBe(3);
  });

  it('[nsid current] is the host itself', () => {
    expect(monitorLineSource('[nsid current]244: umxh2@NONE: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default ')).toBe('current');
  });

  it("a message's continuation lines, and anything else, name no one", () => {
    expect(monitorLineSource('    link/ether e6:cc:ff:24:4d:87 brd ff:ff:ff:ff:ff:ff link-netns cmt-umx1')).toBeUndefined();
    expect(monitorLineSource('       valid_lft forever preferred_lft forever')).toBeUndefined();
    expect(monitorLineSource('')).toBeUndefined();
    expect(monitorLineSource('2: eth0 [nsid 4]')).toBeUndefined();
  });
});

describe('the ids of named namespaces in the host', () => {
  it('parses ip -j netns list-id, with and without names', () => {
    expect(parseNsidList('[{"nsid":0,"name":"cmt-a"},{"nsid":1},{"nsid":2,"name":"cmt-b"}]')).toEqual([
      { nsid: 0, name: 'cmt-a' },
      { nsid: 1 },
      { nsid: 2, name: 'cmt-b' },
    ]);
    expect(parseNsidList('')).toEqual([]);
    expect(parseNsidList('[]\n')).toEqual([]);
  });

  it('gives an id only to those without one', () => {
    expect(namesWithoutNsid(['cmt-a', 'cmt-b', 'cmt-c'], [{ nsid: 0, name: 'cmt-a' }, { nsid: 1 }])).toEqual(['cmt-b', 'cmt-c']);
    expect(namesWithoutNsid([], [{ nsid: 0, name: 'cmt-a' }])).toEqual([]);
  });

  it('one ip -batch line per name, leaving out names the batch would split', () => {
    expect(nsidBatch(['cmt-a', 'cmt-b'])).toBe('netns set cmt-a auto\nnetns set cmt-b auto\n');
    expect(nsidBatch(['a b', 'c#d', 'ok'])).toBe('netns set ok auto\n');
    expect(nsidBatch([])).toBe('');
  });
});
