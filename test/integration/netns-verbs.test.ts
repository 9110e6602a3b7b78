/**
 * The other verbs on real namespaces: forward, fw, routes, ls, kill, ping and
 * probe, checked against what the kernel (sysctl, iptables, ip) reports.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainmail, chainmailAsync, eventually, inNetns, ip, isRoot, linkNames, Scratch, stableSnapshot } from '../support/kernel.js';

const scratch = new Scratch();
const dirs: string[] = [];
afterEach(async () => {
  await scratch.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const netnsNames = () =>
  ip(undefined, ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
const hasBusybox = () => spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).status === 0;
function setForwarding(ns: string, value: '0' | '1'): void {
  const r = inNetns(ns, ['sysctl', '-q', '-w', `net.ipv4.ip_forward=${value}`, `net.ipv6.conf.all.forwarding=${value}`]);
  if (r.code !== 0) throw new Error(r.stderr);
}
const sysctl = (ns: string, key: string) => inNetns(ns, ['sysctl', '-n', key]).stdout.trim();

function koko(args: string[]): void {
  const r = chainmail(['koko', ...args]);
  if (r.code !== 0) throw new Error(`koko ${args.join(' ')}: ${r.stderr}`);
}

function koro(args: string[]): void {
  const r = chainmail(['koro', ...args]);
  if (r.code !== 0) throw new Error(`koro ${args.join(' ')}: ${r.stderr}`);
}

/** a (10.80.1.1) -- b (10.80.1.2 | 10.80.2.1) -- c (10.80.2.2), routed through b. */
function chain(): { a: string; b: string; c: string } {
  const a = scratch.netns('cha');
  const b = scratch.netns('chb');
  const c = scratch.netns('chc');
  koko(['-n', `${a},ab,10.80.1.1/24`, '-n', `${b},ba,10.80.1.2/24`]);
  koko(['-n', `${b},bc,10.80.2.1/24`, '-n', `${c},cb,10.80.2.2/24`]);
  koro(['netns', a, 'route', 'add', 'default', 'via', '10.80.1.2', 'dev', 'ab']);
  koro(['netns', c, 'route', 'add', '10.80.1.0/24', 'via', '10.80.2.1']);
  return { a, b, c };
}

describe.skipIf(!isRoot)('forward', () => {
  it('on and off are set in the namespace and read back with sysctl', () => {
    const ns = scratch.netns('fwd');
    // a new namespace inherits IPv4 forwarding from the host, which may have it on: start from off
    setForwarding(ns, '0');
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('0');

    const on = chainmail(['forward', ns, 'on']);
    expect(on.code, on.stderr).toBe(0);
    expect(on.stdout).toMatch(/forwarding ipv4 on, ipv6 on/);
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('1');
    expect(sysctl(ns, 'net.ipv6.conf.all.forwarding')).toBe('1');

    const show = chainmail(['forward', ns, '--json']);
    expect(show.code).toBe(0);
    expect(JSON.parse(show.stdout)).toEqual({ target: ns, ipv4: true, ipv6: true });

    const off = chainmail(['forward', ns, 'off']);
    expect(off.code, off.stderr).toBe(0);
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('0');
    expect(sysctl(ns, 'net.ipv6.conf.all.forwarding')).toBe('0');
    expect(chainmail(['forward', ns]).stdout).toMatch(/forwarding ipv4 off, ipv6 off/);
  });

  it('only the target namespace changes', () => {
    const ns = scratch.netns('fwo');
    const other = scratch.netns('fwx');
    setForwarding(ns, '0');
    setForwarding(other, '0');
    expect(chainmail(['forward', `netns:${ns}`, 'on']).code).toBe(0);
    expect(sysctl(ns, 'net.ipv4.ip_forward')).toBe('1');
    expect(sysctl(other, 'net.ipv4.ip_forward')).toBe('0');
  });
});

describe.skipIf(!isRoot)('fw on the middle of a routed chain a - b - c', () => {
  it('a DROP rule in b stops a -> c; deleting it by number or by its words lets traffic through again', () => {
    const { a, b, c } = chain();
    // no forwarding in b: a cannot reach c
    expect(chainmail(['forward', b, 'off']).code).toBe(0);
    expect(chainmail(['ping', a, '10.80.2.2', '-c', '1']).code).toBe(1);
    expect(chainmail(['forward', b, 'on']).code).toBe(0);
    const through = chainmail(['ping', a, '10.80.2.2', '-c', '2']);
    expect(through.code, through.stdout).toBe(0);

    const empty = chainmail(['fw', b, 'list', '--json']);
    expect(empty.code, empty.stderr).toBe(0);
    expect(JSON.parse(empty.stdout)).toEqual({ target: b, policy: 'ACCEPT', rules: [] });

    const add = chainmail(['fw', b, 'add', '-p', 'icmp', '-j', 'DROP']);
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toMatch(/added FORWARD rule "-p icmp -j DROP" .*\(1 rule now\)/);
    // the kernel has it, in b only
    expect(inNetns(b, ['iptables', '-S', 'FORWARD']).stdout).toMatch(/^-A FORWARD -p icmp -j DROP$/m);
    expect(inNetns(a, ['iptables', '-S', 'FORWARD']).stdout).not.toMatch(/DROP/);
    const listed = chainmail(['fw', b, 'list', '--json']);
    expect((JSON.parse(listed.stdout) as { rules: unknown }).rules).toEqual([{ number: 1, rule: '-p icmp -j DROP' }]);
    const text = chainmail(['fw', b, 'list']);
    expect(text.stdout).toMatch(/FORWARD policy ACCEPT, 1 rule/);
    expect(text.stdout).toMatch(/1\s+-p icmp -j DROP/);

    const blocked = chainmail(['ping', a, '10.80.2.2', '-c', '1']);
    expect(blocked.code).toBe(1);
    expect(blocked.stdout).toMatch(/0\/1 replies/);

    // by number
    const delNum = chainmail(['fw', b, 'del', '1']);
    expect(delNum.code, delNum.stderr).toBe(0);
    expect(inNetns(b, ['iptables', '-S', 'FORWARD']).stdout).not.toMatch(/DROP/);
    expect(chainmail(['ping', a, '10.80.2.2', '-c', '1']).code).toBe(0);

    // by rule words
    expect(chainmail(['fw', b, 'add', '-p', 'icmp', '-j', 'DROP']).code).toBe(0);
    expect(inNetns(b, ['iptables', '-S', 'FORWARD']).stdout).toMatch(/^-A FORWARD -p icmp -j DROP$/m);
    const delWords = chainmail(['fw', b, 'del', '-p', 'icmp', '-j', 'DROP']);
    expect(delWords.code, delWords.stderr).toBe(0);
    expect((JSON.parse(chainmail(['fw', b, 'list', '--json']).stdout) as { rules: unknown }).rules).toEqual([]);
    // and from the other side as well
    const again = chainmail(['ping', c, '10.80.1.1', '-c', '2']);
    expect(again.code, again.stdout).toBe(0);
  });

  it('fw refusals: no such rule number, no such rule, a rule iptables does not understand', () => {
    const ns = scratch.netns('fwr');
    expect(chainmail(['fw', ns, 'add', '-p', 'tcp', '--dport', '22', '-j', 'ACCEPT']).code).toBe(0);
    const rules = () => inNetns(ns, ['iptables', '-S', 'FORWARD']).stdout;
    const before = rules();

    const byNumber = chainmail(['fw', ns, 'del', '5']);
    expect(byNumber.code).toBe(1);
    expect(byNumber.stderr.split('\n')[0]).toMatch(/there is no rule number 5/);

    const byWords = chainmail(['fw', ns, 'del', '-p', 'udp', '-j', 'DROP']);
    expect(byWords.code).toBe(1);
    expect(byWords.stderr.split('\n')[0]).toMatch(/no rule "-p udp -j DROP" in the FORWARD chain/);

    const nonsense = chainmail(['fw', ns, 'add', '-p', 'icmp', '-j', 'NOSUCHTARGET']);
    expect(nonsense.code).toBe(1);
    expect(nonsense.stderr.split('\n')[0]).toMatch(/^chainmail: failed to append FORWARD rule .*NOSUCHTARGET/);
    expect(rules()).toBe(before);
  });
});

describe.skipIf(!isRoot)('routes', () => {
  it('routes NS (bare name) and --json list the kernel routes', () => {
    const { a } = chain();
    const text = chainmail(['routes', a]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^routes of ${a}:`));
    expect(text.stdout).toMatch(/default\s+10\.80\.1\.2\s+ab/);
    expect(text.stdout).toMatch(/10\.80\.1\.0\/24\s+-\s+ab\s+kernel/);

    const json = chainmail(['routes', a, '--json']);
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout) as { target: string; routes: Array<{ family: number; dst: string; gateway?: string }> };
    expect(out.target).toBe(a);
    expect(out.routes).toContainEqual(expect.objectContaining({ family: 4, dst: 'default', gateway: '10.80.1.2' }));
  });
});

interface LsJson {
  targets: Array<{ name: string; kind: string; interfaces: Array<{ name: string; kind: string }> }>;
  links: Array<{ kind: string; a: { target: string; ifname: string; addresses: string[] }; b?: { target: string; ifname: string; addresses: string[] } }>;
}

/** The veth link joining x:xi and y:yi, whichever way round ls lists it. */
function vethBetween(ls: LsJson, x: string, xi: string, y: string, yi: string) {
  return ls.links.find(
    (l) =>
      l.kind === 'veth' &&
      l.b &&
      ((l.a.target === x && l.a.ifname === xi && l.b.target === y && l.b.ifname === yi) ||
        (l.a.target === y && l.a.ifname === yi && l.b.target === x && l.b.ifname === xi)),
  );
}

describe.skipIf(!isRoot)('ls', () => {
  it('lists the namespaces and resolves veth links to both ends, also one made by hand with ip', () => {
    const a = scratch.netns('lsa');
    const b = scratch.netns('lsb');
    koko(['-n', `${a},link1,10.81.0.1/24`, '-n', `${b},link2,10.81.0.2/24`]);
    // by hand, no chainmail: a veth in a whose peer goes straight to b
    ip(a, ['link', 'add', 'name', 'hand1', 'type', 'veth', 'peer', 'name', 'hand2', 'netns', b]);

    const r = chainmail(['ls', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const ls = JSON.parse(r.stdout) as LsJson;
    const targetA = ls.targets.find((t) => t.name === a);
    const targetB = ls.targets.find((t) => t.name === b);
    expect(targetA).toMatchObject({ kind: 'netns' });
    expect(targetB).toMatchObject({ kind: 'netns' });
    expect(targetA!.interfaces.map((i) => i.name).sort()).toEqual(['hand1', 'link1', 'lo']);

    const made = vethBetween(ls, a, 'link1', b, 'link2');
    expect(made, 'chainmail link resolved').toBeDefined();
    const ends = [made!.a, made!.b!].sort((p, q) => p.target.localeCompare(q.target));
    expect(ends.find((e) => e.target === a)!.addresses).toEqual(['10.81.0.1/24']);
    expect(ends.find((e) => e.target === b)!.addresses).toEqual(['10.81.0.2/24']);
    expect(vethBetween(ls, a, 'hand1', b, 'hand2'), 'hand-made link resolved').toBeDefined();
    // each end appears in exactly one link
    const mentions = ls.links.filter((l) => [l.a, l.b].some((e) => e && e.target === a)).length;
    expect(mentions).toBe(2);

    const text = chainmail(['ls']);
    expect(text.code).toBe(0);
    const arrow = (x: string, y: string) => text.stdout.includes(`${x} <-> ${y}`);
    expect(arrow(`${a}:link1`, `${b}:link2`) || arrow(`${b}:link2`, `${a}:link1`), text.stdout).toBe(true);
    expect(arrow(`${a}:hand1`, `${b}:hand2`) || arrow(`${b}:hand2`, `${a}:hand1`), text.stdout).toBe(true);
  });

  it('two hand-made pairs with the same ifindexes in different namespaces are not cross-wired', () => {
    // made in place, each end is ifindex 2 in its fresh namespace: p:2 <-> q:2 and r:2 <-> s:2
    const [p, q, r2, s2] = ['ixp', 'ixq', 'ixr', 'ixs'].map((x) => scratch.netns(x)) as [string, string, string, string];
    ip(p, ['link', 'add', 'name', 'e1', 'type', 'veth', 'peer', 'name', 'e2', 'netns', q]);
    ip(r2, ['link', 'add', 'name', 'e1', 'type', 'veth', 'peer', 'name', 'e2', 'netns', s2]);
    const ls = JSON.parse(chainmail(['ls', '--json']).stdout) as LsJson;
    expect(vethBetween(ls, p, 'e1', q, 'e2')).toBeDefined();
    expect(vethBetween(ls, r2, 'e1', s2, 'e2')).toBeDefined();
    expect(vethBetween(ls, p, 'e1', s2, 'e2')).toBeUndefined();
    expect(vethBetween(ls, r2, 'e1', q, 'e2')).toBeUndefined();
  });

  it('a veth whose peer is in a namespace that is gone is not shown as a link', () => {
    const a = scratch.netns('lga');
    const b = scratch.netns('lgb');
    koko(['-n', `${a},lone1`, '-n', `${b},lone2`]);
    expect(chainmail(['kill', b]).code).toBe(0);
    const ls = JSON.parse(chainmail(['ls', '--json']).stdout) as LsJson;
    expect(ls.targets.some((t) => t.name === b)).toBe(false);
    expect(ls.links.some((l) => l.a.target === a || l.b?.target === a)).toBe(false);
  });
});

describe.skipIf(!isRoot)('kill', () => {
  it('kill NS stops its processes, deletes the namespace, and the veth peer elsewhere goes too', async () => {
    const a = scratch.netns('kla');
    const b = scratch.netns('klb');
    koko(['-n', `${a},k1,10.82.0.1/24`, '-n', `${b},k2,10.82.0.2/24`]);
    const sleeper = scratch.spawnIn(b, ['sleep', '60']);
    // running inside b once `ip netns exec` has entered it
    const pids = await eventually(
      () => ip(undefined, ['netns', 'pids', b]),
      (out) => out.split('\n').includes(String(sleeper.pid)),
    );
    expect(pids.split('\n')).toContain(String(sleeper.pid));
    const exited = new Promise<void>((r) => sleeper.once('exit', () => r()));

    // async: this process is the sleeper's parent and must be free to reap it meanwhile
    const r = await chainmailAsync(['kill', b]);
    expect(r.code, r.stderr).toBe(0);
    // at least the sleeper: a terminal UI open meanwhile (another test's) may watch b with a helper of its own
    expect(r.stdout).toMatch(new RegExp(`deleted network namespace ${b}, stopped \\d+ process`));
    expect(JSON.stringify(r.stdout)).not.toContain('still present');
    // it returns only once the peer is gone, and says which links went
    expect(linkNames(a)).toEqual(['lo']);
    expect(r.stdout).toContain(`links gone with it: ${a}:k1`);
    expect(netnsNames()).not.toContain(b);
    await exited;
    const left = await eventually(
      () => linkNames(a),
      (n) => !n.includes('k1'),
    );
    expect(left).toEqual(['lo']);
  });

  it('kill of an unknown namespace exits 3 and changes nothing', () => {
    const a = scratch.netns('klu');
    const before = stableSnapshot([a]);
    const ghost = 'cmt-ghost-000000';
    const r = chainmail(['kill', `netns:${ghost}`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(ghost);
    expect(stableSnapshot([a])).toEqual(before);
  });
});

describe.skipIf(!isRoot)('ping and probe', () => {
  it('ping exits 1 when there is no answer, and says so', () => {
    const a = scratch.netns('pna');
    const b = scratch.netns('pnb');
    koko(['-n', `${a},ab,10.80.1.1/24`, '-n', `${b},ba,10.80.1.2/24`]);
    const r = chainmail(['ping', a, '10.80.1.99', '-c', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ .*10\.80\.1\.99: 0\/1 replies, 100% loss/);
    // no route at all: the error is reported, still exit 1 (and false in --json)
    const noRoute = chainmail(['ping', a, '10.99.0.1', '-c', '1', '--json']);
    expect(noRoute.code).toBe(1);
    expect(JSON.parse(noRoute.stdout)).toMatchObject({ ok: false, received: 0 });
  });

  it('probe gets HTTP 200 from a server in another namespace; exits 1 when nothing listens', async () => {
    const a = scratch.netns('pra');
    const b = scratch.netns('prb');
    koko(['-n', `${a},pa,10.83.0.1/24`, '-n', `${b},pb,10.83.0.2/24`]);
    const dir = mkdtempSync(join(tmpdir(), 'cmt-www-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'index.html'), '<html><head><title>cmt probe page</title></head><body>hello</body></html>\n');
    const server = hasBusybox()
      ? scratch.spawnIn(b, ['busybox', 'httpd', '-f', '-p', '8080', '-h', dir])
      : scratch.spawnIn(b, ['python3', '-m', 'http.server', '8080', '--bind', '10.83.0.2', '--directory', dir]);
    const listening = await eventually(
      () => inNetns(b, ['ss', '-ltnH']).stdout,
      (s) => /:8080\b/.test(s),
      5000,
    );
    expect(listening).toMatch(/:8080\b/);

    const r = chainmail(['probe', a, 'http://10.83.0.2:8080/']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/HTTP 200/);
    expect(r.stdout).toContain('"cmt probe page"');
    const json = chainmail(['probe', a, 'http://10.83.0.2:8080/', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, status: 200, target: a, title: 'cmt probe page' });

    // a missing page is a failure too
    const notFound = chainmail(['probe', a, 'http://10.83.0.2:8080/nosuch.html']);
    expect(notFound.code).toBe(1);
    expect(notFound.stdout).toMatch(/HTTP 404/);

    server.kill('SIGTERM');
    await new Promise<void>((res) => (server.exitCode !== null || server.signalCode !== null ? res() : server.once('exit', () => res())));
    const refused = chainmail(['probe', a, 'http://10.83.0.2:8080/', '--timeout', '2000']);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toMatch(/✗ .*connection refused: nothing listens on 10\.83\.0\.2:8080/);
  });
});
