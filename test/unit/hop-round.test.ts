import { describe, expect, it } from 'vitest';
import { parseAnswer, requestLine } from '../../src/health/round-prober.js';
import { nextInRound, sameShown, splitByShown } from '../../src/health/hop-round.js';

const hop = (i: number) => ({ key: `h${i}`, ends: [`n${i}`, `n${i + 1}`] });
const hops = Array.from({ length: 500 }, (_, i) => hop(i));

describe('splitByShown: which hops are pinged all the time', () => {
  it('every hop until the screen says what it shows', () => {
    const { continuous, round } = splitByShown(hops, undefined);
    expect(continuous).toHaveLength(500);
    expect(round).toHaveLength(0);
  });

  it('the hops with an end shown all the time, the rest in turn', () => {
    const { continuous, round } = splitByShown(hops, new Set(['n10', 'n11']));
    expect(continuous.map((h) => h.key)).toEqual(['h9', 'h10', 'h11']);
    expect(round).toHaveLength(497);
    expect(round.some((h) => h.key === 'h10')).toBe(false);
  });

  it('nothing shown: every hop in turn', () => {
    expect(splitByShown(hops, new Set()).round).toHaveLength(500);
  });

  it('a chain longer than the most pinged all the time: only the hops shown all the time, the rest in turn', () => {
    const { continuous, round } = splitByShown(hops, new Set(['n10', 'n11']), 64);
    expect(continuous.map((h) => h.key)).toEqual(['h9', 'h10', 'h11']);
    expect(round).toHaveLength(497);
  });

  it('a chain no longer than the most pinged all the time has no round', () => {
    const { continuous, round } = splitByShown(hops.slice(0, 49), new Set(['n0']), 64);
    expect(continuous).toHaveLength(49);
    expect(round).toHaveLength(0);
  });

  it('a chain of exactly the most: every hop all the time, none in turn', () => {
    const { continuous, round } = splitByShown(hops.slice(0, 8), new Set(['n0']), 8);
    expect(continuous).toHaveLength(8);
    expect(round).toHaveLength(0);
  });
});

describe('nextInRound: whose turn it is', () => {
  it('hops never pinged first, in order', () => {
    expect(nextInRound(['a', 'b', 'c'], new Map([['a', 5]]))).toBe('b');
  });

  it('then the one pinged longest ago', () => {
    expect(
      nextInRound(
        ['a', 'b', 'c'],
        new Map([
          ['a', 5],
          ['b', 2],
          ['c', 9],
        ]),
      ),
    ).toBe('b');
    expect(nextInRound([], new Map())).toBeUndefined();
  });

  it('a round visits every hop once before any twice', () => {
    const keys = hops.map((h) => h.key);
    const last = new Map<string, number>();
    const seen: string[] = [];
    for (let t = 0; t < 2 * keys.length; t++) {
      const k = nextInRound(keys, last)!;
      seen.push(k);
      last.set(k, t);
    }
    expect(new Set(seen.slice(0, 500)).size).toBe(500);
    expect(seen.slice(500)).toEqual(seen.slice(0, 500));
  });
});

describe('sameShown', () => {
  it('compares contents; undefined only equals undefined', () => {
    expect(sameShown(new Set(['a', 'b']), new Set(['b', 'a']))).toBe(true);
    expect(sameShown(new Set(['a']), new Set(['a', 'b']))).toBe(false);
    expect(sameShown(undefined, new Set())).toBe(false);
    expect(sameShown(undefined, undefined)).toBe(true);
  });
});

describe("the round prober's lines: one echo of a hop in the round", () => {
  it('a reply is good, with its round trip', () => {
    expect(parseAnswer('7\t64 bytes from 10.0.1.2: icmp_seq=1 ttl=64 time=0.051 ms')).toEqual({ id: 7, sample: { ok: true, latencyMs: 0.051 } });
  });

  it('no reply (or no output at all) is a miss', () => {
    expect(parseAnswer('8\t')).toEqual({ id: 8, sample: { ok: false } });
    expect(parseAnswer('9\tFrom 10.0.1.1 icmp_seq=1 Destination Host Unreachable')).toEqual({ id: 9, sample: { ok: false } });
  });

  it('a line that is not an answer is none', () => {
    expect(parseAnswer('')).toBeUndefined();
    expect(parseAnswer('x\t64 bytes')).toBeUndefined();
  });

  it('a request is one line of three fields; a field that would break the line is refused', () => {
    expect(requestLine(3, '/var/run/netns/a b', '10.0.1.2')).toBe('3\t/var/run/netns/a b\t10.0.1.2\n');
    expect(requestLine(3, '/var/run/netns/a\tb', '10.0.1.2')).toBeUndefined();
    expect(requestLine(3, '/var/run/netns/a\nb', '10.0.1.2')).toBeUndefined();
    expect(requestLine(3, '', '10.0.1.2')).toBeUndefined();
  });
});
