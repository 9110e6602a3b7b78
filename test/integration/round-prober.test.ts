/**
 * The UI's round prober (src/health/round-prober.ts) over real namespaces:
 * one long-lived helper answering echo requests from inside each namespace,
 * a reply with its round trip, a silent address and a namespace gone as
 * misses, request fields passed on as words and never run, and no helper
 * left once it is stopped.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoundProber } from '../../src/health/round-prober.js';
import { netnsNamespace } from '../../src/targets/resolve.js';
import { createNetns, deleteNetns, ip, isRoot, uniqueName } from '../support/kernel.js';

const d = isRoot ? describe : describe.skip;

/** Processes of this test process running the prober's script. */
function probers(): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('round-prober.sh');
      } catch {
        return false;
      }
    })
    .map(Number);
}

d('RoundProber over real namespaces', () => {
  const a = uniqueName('rpa');
  const b = uniqueName('rpb');
  const marker = `/tmp/${uniqueName('rp-run')}`;

  beforeAll(() => {
    createNetns(a);
    createNetns(b);
    ip(a, ['link', 'add', 'rp0', 'type', 'veth', 'peer', 'name', 'rp1', 'netns', b]);
    ip(a, ['address', 'add', '10.253.7.1/24', 'dev', 'rp0']);
    ip(b, ['address', 'add', '10.253.7.2/24', 'dev', 'rp1']);
    ip(a, ['link', 'set', 'rp0', 'up']);
    ip(b, ['link', 'set', 'rp1', 'up']);
  });

  afterAll(() => {
    deleteNetns(a);
    deleteNetns(b);
  });

  it('answers each request from one helper: a reply with its round trip, a silent address and a gone namespace as misses', async () => {
    const prober = new RoundProber();
    try {
      const reply = await prober.ping({ key: 'k1', ns: netnsNamespace(a), address: '10.253.7.2' });
      expect(reply?.ok).toBe(true);
      expect(reply?.latencyMs).toBeGreaterThan(0);
      const helpers = probers();
      expect(helpers).toHaveLength(1);
      expect(await prober.ping({ key: 'k2', ns: netnsNamespace(a), address: '10.253.7.99' })).toEqual({ ok: false });
      expect(await prober.ping({ key: 'k3', ns: { kind: 'path', label: 'gone', path: `/var/run/netns/${uniqueName('none')}` }, address: '10.253.7.2' })).toEqual({
        ok: false,
      });
      // the host's own hops: ping as it is, no namespace entered
      expect((await prober.ping({ key: 'k5', ns: { kind: 'host', label: 'host', path: '' }, address: '127.0.0.1' }))?.ok).toBe(true);
      // from the other side, through the same helper
      expect((await prober.ping({ key: 'k4', ns: netnsNamespace(b), address: '10.253.7.1' }))?.ok).toBe(true);
      expect(probers()).toEqual(helpers);
    } finally {
      prober.stop();
    }
    await expect.poll(() => probers(), { timeout: 3000 }).toEqual([]);
  });

  it('passes shell characters on as words, never runs them', async () => {
    const prober = new RoundProber();
    try {
      const words = await prober.ping({ key: 'k', ns: netnsNamespace(a), address: `$(touch ${marker})` });
      expect(words).toEqual({ ok: false });
      const path = await prober.ping({ key: 'k', ns: { kind: 'path', label: 'odd', path: `/tmp/$(touch ${marker})` }, address: '10.253.7.2' });
      expect(path).toEqual({ ok: false });
    } finally {
      prober.stop();
    }
    expect(existsSync(marker)).toBe(false);
  });
});
