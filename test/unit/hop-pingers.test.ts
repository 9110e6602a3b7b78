import { describe, expect, it } from 'vitest';
import { parsePingLine } from '../../src/health/hop-pingers.js';

describe('parsePingLine: one line of ping -n -O', () => {
  it('a reply is a good sample with its round trip', () => {
    expect(parsePingLine('64 bytes from 10.0.1.2: icmp_seq=3 ttl=64 time=0.045 ms')).toEqual({ ok: true, latencyMs: 0.045 });
    expect(parsePingLine('64 bytes from fd00:16::2: icmp_seq=1 ttl=64 time=1019 ms')).toEqual({ ok: true, latencyMs: 1019 });
  });

  it('"no answer yet" (-O) and ICMP errors are misses', () => {
    expect(parsePingLine('no answer yet for icmp_seq=2')).toEqual({ ok: false });
    expect(parsePingLine('From 10.1.1.1 icmp_seq=1 Destination Host Unreachable')).toEqual({ ok: false });
  });

  it('the header and blank lines say nothing', () => {
    expect(parsePingLine('PING 10.1.1.2 (10.1.1.2) 56(84) bytes of data.')).toBeUndefined();
    expect(parsePingLine('')).toBeUndefined();
  });
});
