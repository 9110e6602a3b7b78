/**
 * A path chain of 300 network namespaces through the real program (issue
 * 15's scale): `chain up` makes every address and route the chain derives
 * (checked in the kernel with `ip -j`), `ls --json` pairs every link,
 * `chain status` finds all of it ok, and `chain down` leaves nothing.
 * The chain lives in 10.240.0.0/15 inside its own namespaces.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ipJson, isRoot, uniqueName } from '../support/kernel.js';
import { netnsNames, readChainRecord, removeChain, writeChainText } from '../support/chain.js';

const d = isRoot ? describe : describe.skip;
const N = 300;

/** The real program with a longer timeout than the shared helper's minute: a chain of 300 on a busy machine. */
function cli(args: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(BIN, args, { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

d('a path chain of 300 namespaces', () => {
  const base = uniqueName('sc');
  const nodes = Array.from({ length: N }, (_, i) => `${base}-${i}`);
  /** link i joins node i (a<i>, .1) and node i+1 (b<i>, .2) on its own /24 */
  const subnet = (i: number) => `10.${240 + Math.floor(i / 256)}.${i % 256}`;
  const links = nodes.slice(0, -1).map((a, i) => ({ a, b: nodes[i + 1]!, ifa: `a${i}`, ifb: `b${i}`, net: subnet(i) }));
  const name = `${base}-chain`;
  const yaml =
    [`name: ${name}`, 'nodes:', ...nodes.map((n) => `  - ${n}`), 'links:', ...links.map((l) => `  - [${l.a}:${l.ifa}, ${l.b}:${l.ifb}, ${l.net}.0/24]`)].join('\n') +
    '\n';
  const { dir, file } = writeChainText(yaml);
  const chain = { name, dir, file, nodes };

  afterAll(() => removeChain(chain));

  /**
   * What node i needs: its addresses, and for each subnet it is not on, the gateway and device
   * towards it (default at the ends). The chain summarizes routes, so the kernel's routes are
   * checked by what the longest matching prefix does for each subnet, not one by one.
   */
  function expected(i: number): { addresses: string[]; towards: Map<string, string> } {
    const left = links[i - 1];
    const right = links[i];
    const addresses = [...(left ? [`${left.ifb} ${left.net}.2/24`] : []), ...(right ? [`${right.ifa} ${right.net}.1/24`] : [])];
    const towards = new Map<string, string>();
    links.forEach((l, k) => {
      if (k < i - 1) towards.set(l.net, `via ${left!.net}.1 dev ${left!.ifb}`);
      if (k > i) towards.set(l.net, `via ${right!.net}.2 dev ${right!.ifa}`);
    });
    return { addresses: addresses.sort(), towards };
  }

  /** The route the kernel takes to `address` by longest prefix, from a node's routes (IPv4). */
  function routeTo(routes: ReadonlyArray<{ dst: string; gateway?: string; dev?: string }>, address: string): string | undefined {
    const value = (a: string) => a.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
    let best: { prefix: number; text: string } | undefined;
    for (const r of routes) {
      const [net, bits] = r.dst === 'default' ? ['0.0.0.0', 0] : [r.dst.split('/')[0]!, Number(r.dst.split('/')[1] ?? 32)];
      const size = 2 ** (32 - bits);
      if (Math.floor(value(address) / size) !== Math.floor(value(net) / size)) continue;
      if (!best || bits > best.prefix) best = { prefix: bits, text: r.gateway ? `via ${r.gateway} dev ${r.dev}` : `dev ${r.dev}` };
    }
    return best?.text;
  }

  it('chain up makes every namespace, address and route', () => {
    const up = cli(['chain', 'up', file]);
    expect(up.code, up.stderr).toBe(0);
    const present = new Set(netnsNames());
    expect(nodes.filter((n) => !present.has(n))).toEqual([]);
    for (const [i, node] of nodes.entries()) {
      const want = expected(i);
      const addrs = ipJson<Array<{ ifname: string; operstate: string; addr_info: Array<{ family: string; local: string; prefixlen: number; scope: string }> }>>(node, [
        'addr',
        'show',
      ]);
      const got = addrs.flatMap((a) => a.addr_info.filter((x) => x.family === 'inet' && x.scope === 'global').map((x) => `${a.ifname} ${x.local}/${x.prefixlen}`)).sort();
      expect(got, node).toEqual(want.addresses);
      expect(
        addrs.filter((a) => a.ifname !== 'lo').every((a) => a.operstate === 'UP'),
        node,
      ).toBe(true);
      const routes = ipJson<Array<{ dst: string; gateway?: string; dev?: string }>>(node, ['-4', 'route', 'show', 'table', 'main']);
      const wrong = [...want.towards]
        .filter(([net, way]) => routeTo(routes, `${net}.1`) !== way)
        .map(([net, way]) => `${net}.0/24: ${routeTo(routes, `${net}.1`)}, not ${way}`);
      expect(wrong, node).toEqual([]);
      // summarized: a few prefixes per side, not one route per subnet
      expect(routes.filter((r) => r.gateway !== undefined).length, node).toBeLessThanOrEqual(40);
    }
  });

  it('ls --json pairs every link of the chain', () => {
    const ls = cli(['ls', '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const json = JSON.parse(ls.stdout) as {
      targets: Array<{ name: string }>;
      links: Array<{ kind: string; a: { target: string; ifname: string }; b?: { target: string; ifname: string } }>;
    };
    const mine = new Set(nodes);
    expect(json.targets.filter((t) => mine.has(t.name))).toHaveLength(N);
    const pairs = json.links
      .filter((l) => l.kind === 'veth' && mine.has(l.a.target))
      .map((l) => [`${l.a.target}:${l.a.ifname}`, l.b ? `${l.b.target}:${l.b.ifname}` : '-'].sort().join(' '))
      .sort();
    expect(pairs).toEqual(links.map((l) => [`${l.a}:${l.ifa}`, `${l.b}:${l.ifb}`].sort().join(' ')).sort());
  });

  it('chain status finds it all ok, and chain up again has nothing to do', () => {
    const status = cli(['chain', 'status', file]);
    expect(status.code, status.stdout.split('\n').slice(-3).join('\n') + status.stderr).toBe(0);
    expect(status.stdout).toMatch(/all \d+ ok/);
    const again = cli(['chain', 'up', file]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('nothing to change');
  });

  it('chain down leaves none of its namespaces and no record', () => {
    const down = cli(['chain', 'down', file]);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toContain(`namespace ${nodes[N - 1]}`);
    const present = new Set(netnsNames());
    expect(nodes.filter((n) => present.has(n))).toEqual([]);
    expect(readChainRecord(name)).toBeUndefined();
  });
});
