import { describe, expect, it } from 'vitest';
import { mirrorCandidates, onlyMirrorsOnto } from '../../src/net/tc-mirrors.js';
import { planKokoDelete } from '../../src/plan/koko.js';
import { iface, redNs } from './helpers.js';

// as tc 6.1 prints them (tc -j qdisc show; tc -j filter show dev v0 parent ffff:)
const QDISCS = JSON.stringify([
  { kind: 'noqueue', handle: '0:', dev: 'mir', root: true, refcnt: 2, options: {} },
  { kind: 'htb', handle: '1:', dev: 'src', root: true, refcnt: 3, options: { r2q: 10 } },
  { kind: 'ingress', handle: 'ffff:', dev: 'src', parent: 'ffff:fff1', options: {} },
  { kind: 'fq_codel', handle: '0:', dev: 'eth0', root: true, options: {} },
]);
const header = [
  { parent: 'ffff:', protocol: 'all', pref: 49152, kind: 'u32', chain: 0 },
  { parent: 'ffff:', protocol: 'all', pref: 49152, kind: 'u32', chain: 0, options: { fh: '800:', ht_divisor: 1 } },
];
const mirredTo = (dev: string) => ({
  parent: 'ffff:',
  protocol: 'all',
  pref: 49152,
  kind: 'u32',
  chain: 0,
  options: { fh: '800::800', actions: [{ order: 1, kind: 'mirred', mirred_action: 'mirror', direction: 'egress', to_dev: dev }] },
});
const passing = {
  parent: 'ffff:',
  protocol: 'ip',
  pref: 49151,
  kind: 'u32',
  chain: 0,
  options: { fh: '801::800', actions: [{ order: 1, kind: 'gact', control_action: { type: 'pass' } }] },
};

describe('mirrorCandidates', () => {
  it('ingress qdiscs and htb root qdiscs of other interfaces, with their handles', () => {
    expect(mirrorCandidates(QDISCS, 'mir')).toEqual([
      { dev: 'src', where: 'root', handle: '1:' },
      { dev: 'src', where: 'ingress', handle: 'ffff:' },
    ]);
  });
  it('never the deleted interface itself, and nothing from an empty answer', () => {
    expect(mirrorCandidates(QDISCS, 'src')).toEqual([]);
    expect(mirrorCandidates('', 'mir')).toEqual([]);
  });
});

describe('onlyMirrorsOnto', () => {
  it('true when every filter with actions only mirrors onto the target (hash-table headers aside)', () => {
    expect(onlyMirrorsOnto(JSON.stringify([...header, mirredTo('mir')]), 'mir')).toBe(true);
  });
  it('false for a mirror onto another interface, for a filter of someone else, and for no filters', () => {
    expect(onlyMirrorsOnto(JSON.stringify([...header, mirredTo('other')]), 'mir')).toBe(false);
    expect(onlyMirrorsOnto(JSON.stringify([...header, mirredTo('mir'), passing]), 'mir')).toBe(false);
    expect(onlyMirrorsOnto(JSON.stringify(header), 'mir')).toBe(false);
    // a classifying filter has no actions, and is someone's too
    const classify = { parent: 'ffff:', protocol: 'ip', pref: 49150, kind: 'u32', chain: 0, options: { fh: '802::800', flowid: 'ffff:1' } };
    expect(onlyMirrorsOnto(JSON.stringify([...header, mirredTo('mir'), classify]), 'mir')).toBe(false);
    expect(onlyMirrorsOnto('', 'mir')).toBe(false);
  });
});

describe('planKokoDelete with mirrors onto the deleted interface', () => {
  it('deletes the link first, then the qdiscs that only served its mirrors, and says so', () => {
    const plan = planKokoDelete(
      'mir',
      redNs,
      [iface('mir', 'veth')],
      [
        { dev: 'src', where: 'ingress', handle: 'ffff:' },
        { dev: 'src', where: 'root', handle: '1:' },
      ],
    );
    expect(plan.steps.map((s) => s.argv)).toEqual([
      ['ip', '-n', 'red', 'link', 'del', 'dev', 'mir'],
      ['nsenter', '--net=/var/run/netns/red', '--', 'tc', 'qdisc', 'del', 'dev', 'src', 'ingress'],
      ['nsenter', '--net=/var/run/netns/red', '--', 'tc', 'qdisc', 'del', 'dev', 'src', 'root'],
    ]);
    expect(plan.summary).toBe('deleted veth red:mir and its veth peer, and the mirror of src (ingress), src (root) onto it');
  });
});
