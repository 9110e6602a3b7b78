/**
 * Helpers for tests that run against the real kernel and Docker engine.
 * Every resource is named cmt-<something unique> so that scripts/test.sh can
 * sweep up after a crashed run; each test still removes its own.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const BIN = `${REPO}bin/chainmail.js`;

export const isRoot = process.getuid?.() === 0;

/** cmt-<prefix>-<6 hex>: unique per call, short enough for namespace names. */
export function uniqueName(prefix: string): string {
  return `cmt-${prefix}-${randomBytes(3).toString('hex')}`;
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real program, as a user would (its own `#!` line starts node), with an argument array. */
export function chainmail(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(BIN, args, {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...env },
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function sh(file: string, args: readonly string[]): string {
  return execFileSync(file, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** `ip -j ARGS` inside a named namespace (or the host when ns is undefined), parsed. */
export function ipJson<T = unknown>(ns: string | undefined, args: readonly string[]): T {
  const out = sh('ip', [...(ns ? ['-n', ns] : []), '-j', ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

export interface LinkInfo {
  ifname: string;
  operstate: string;
  mtu: number;
  flags: string[];
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: Array<{ local: string; prefixlen: number; family: string; scope: string }>;
}

export function links(ns?: string): LinkInfo[] {
  return ipJson<LinkInfo[]>(ns, ['-d', 'addr', 'show']);
}

export function linkNames(ns?: string): string[] {
  return links(ns)
    .map((l) => l.ifname)
    .sort();
}

/** Global addresses on an interface, as CIDR strings. */
export function addressesOf(ns: string | undefined, ifname: string): string[] {
  const l = links(ns).find((x) => x.ifname === ifname);
  return (l?.addr_info ?? [])
    .filter((a) => a.scope !== 'link' && a.scope !== 'host')
    .map((a) => `${a.local}/${a.prefixlen}`)
    .sort();
}

export function routes(ns: string | undefined, family: 4 | 6 = 4): Array<{ dst: string; gateway?: string; dev?: string }> {
  return ipJson(ns, [`-${family}`, 'route', 'show', 'table', 'main']);
}

export function createNetns(name: string): void {
  sh('ip', ['netns', 'add', name]);
  sh('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
}

export function deleteNetns(name: string): void {
  spawnSync('ip', ['netns', 'del', name]);
}

/**
 * Everything a test could have changed, as one comparable value: the
 * interfaces, addresses and routes of the host and of the given namespaces.
 */
export function snapshot(namespaces: readonly string[]): string {
  const of = (ns?: string) => ({
    links: links(ns).map((l) => ({ n: l.ifname, a: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort(), up: l.flags.includes('UP') })),
    r4: routes(ns, 4),
    r6: routes(ns, 6),
  });
  return JSON.stringify({ host: of(undefined), ...Object.fromEntries(namespaces.map((n) => [n, of(n)])) }, null, 1);
}

/** Kernel support differs between machines; tests of optional link kinds check first. */
export function kernelSupports(kind: 'vlan' | 'macvlan' | 'vxlan'): boolean {
  const ns = uniqueName('probe');
  createNetns(ns);
  try {
    const parent = 'cmtp0';
    sh('ip', ['-n', ns, 'link', 'add', 'name', parent, 'type', 'veth', 'peer', 'name', 'cmtp1']);
    const args =
      kind === 'vlan'
        ? ['link', parent, 'name', 'cmtk', 'type', 'vlan', 'id', '10']
        : kind === 'macvlan'
          ? ['link', parent, 'name', 'cmtk', 'type', 'macvlan', 'mode', 'bridge']
          : ['name', 'cmtk', 'type', 'vxlan', 'id', '5', 'remote', '10.255.0.1', 'dstport', '8472', 'dev', parent];
    return spawnSync('ip', ['-n', ns, 'link', 'add', ...args]).status === 0;
  } finally {
    deleteNetns(ns);
  }
}

/* ------------------------------------------------------------------------ */
/* Additions for the netns-* integration tests. Existing helpers above keep  */
/* their signatures; everything below is new.                                */
/* ------------------------------------------------------------------------ */

/** chainmail's temporary interface names: cm<8 hex>a|b. */
export const TEMP_IFNAME = /^cm[0-9a-f]{8}[ab]$/;

/**
 * A host interface name: cmt<tag><6 hex>, at most 15 bytes, so that
 * scripts/test.sh sweeps it up if a run crashes.
 */
export function uniqueIfName(tag = ''): string {
  const name = `cmt${tag}${randomBytes(3).toString('hex')}`;
  if (name.length > 15) throw new Error(`interface name ${name} is longer than 15 bytes`);
  return name;
}

/** Runs the real program without waiting: for races between two runs. */
export function chainmailAsync(args: readonly string[], env: Record<string, string> = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(BIN, args, {
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

/** `ip ARGS` (in a namespace when ns is given); throws with ip's stderr on failure. */
export function ip(ns: string | undefined, args: readonly string[]): string {
  return sh('ip', [...(ns ? ['-n', ns] : []), ...args]);
}

/** Runs a command inside a named namespace; returns the whole result, never throws. */
export function inNetns(ns: string, argv: readonly string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** One interface with details and addresses (`ip -j -d addr show`), or undefined. */
export function linkDetails(ns: string | undefined, ifname: string): (LinkInfo & Record<string, unknown>) | undefined {
  return links(ns).find((l) => l.ifname === ifname) as (LinkInfo & Record<string, unknown>) | undefined;
}

/** rx/tx packet counters of an interface (`ip -s -j link show`). */
export function packetCounters(ns: string | undefined, ifname: string): { rx: number; tx: number } {
  const [l] = ipJson<Array<{ stats64?: { rx: { packets: number }; tx: { packets: number } }; stats?: { rx: { packets: number }; tx: { packets: number } } }>>(ns, [
    '-s',
    'link',
    'show',
    'dev',
    ifname,
  ]);
  const s = l?.stats64 ?? l?.stats;
  if (!s) throw new Error(`no counters for ${ifname}`);
  return { rx: s.rx.packets, tx: s.tx.packets };
}

/** `tc -j ARGS` inside a namespace, parsed. */
export function tcJson<T = unknown>(ns: string | undefined, args: readonly string[]): T {
  const out = sh('tc', [...(ns ? ['-n', ns] : []), '-j', ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

/**
 * The traffic-control state of a namespace as comparable lines: every qdisc,
 * and every filter under an ingress or a classful root qdisc. Snapshots do not
 * include tc, so tests of mirrors and rollback compare this too.
 */
export function tcState(ns: string | undefined): string[] {
  const lines: string[] = [];
  const qdiscs = tcJson<Array<{ kind: string; handle: string; dev?: string; parent?: string; root?: boolean }>>(ns, ['qdisc', 'show']);
  for (const q of qdiscs) {
    lines.push(`qdisc ${q.dev ?? '?'} ${q.kind} ${q.handle} ${q.root ? 'root' : (q.parent ?? '')}`);
    if (!q.dev || (q.kind !== 'ingress' && q.kind !== 'clsact' && !q.root) || q.kind === 'noqueue') continue;
    const parent = q.kind === 'ingress' || q.kind === 'clsact' ? ['ingress'] : ['parent', q.handle];
    const r = spawnSync('tc', [...(ns ? ['-n', ns] : []), '-j', 'filter', 'show', 'dev', q.dev, ...parent], { encoding: 'utf8' });
    const filters =
      r.status === 0 && r.stdout.trim() ? (JSON.parse(r.stdout) as Array<{ kind?: string; options?: { actions?: Array<{ kind: string; to_dev?: string }> } }>) : [];
    for (const f of filters) {
      for (const a of f.options?.actions ?? []) lines.push(`filter ${q.dev} ${parent.join(' ')} ${f.kind} ${a.kind} -> ${a.to_dev ?? ''}`);
    }
  }
  return lines.sort();
}

/**
 * Host interfaces that other, concurrent work may add or remove while a test
 * runs and that no netns-only chainmail command touches: Docker's bridges and
 * veth ends, other tests' cmt* interfaces, and chainmail temporaries of other
 * runs (those are checked separately by leftoverTemps, which waits to see
 * whether one stays).
 */
const FOREIGN_HOST_IF = /^(docker\d*|br-[0-9a-f]+|veth[0-9a-f]+)$|^cm[0-9a-f]{8}[ab]$|^cmt/;

/**
 * Like snapshot(), but the host part leaves out FOREIGN_HOST_IF interfaces
 * (and their routes) except the cmt* ones named in ownHostLinks, and every
 * namespace adds its MTUs and tc state. With it a rollback test does not fail
 * because a Docker test or another test file ran meanwhile.
 */
export function stableSnapshot(namespaces: readonly string[], ownHostLinks: readonly string[] = []): string {
  const of = (ns?: string) => {
    const keep = (name?: string) => ns !== undefined || name === undefined || ownHostLinks.includes(name) || !FOREIGN_HOST_IF.test(name);
    return {
      links: links(ns)
        .filter((l) => keep(l.ifname))
        .map((l) => ({
          n: l.ifname,
          a: (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`).sort(),
          up: l.flags.includes('UP'),
          mtu: l.mtu,
        })),
      r4: routes(ns, 4).filter((r) => keep(r.dev)),
      r6: routes(ns, 6).filter((r) => keep(r.dev)),
      tc: ns === undefined ? [] : tcState(ns),
    };
  };
  return JSON.stringify({ host: of(undefined), ...Object.fromEntries(namespaces.map((n) => [n, of(n)])) }, null, 1);
}

/** Names matching chainmail's temporary pattern in the host and the given namespaces. */
export function tempInterfaces(namespaces: readonly string[]): string[] {
  const found: string[] = [];
  for (const ns of [undefined, ...namespaces]) {
    for (const name of linkNames(ns)) if (TEMP_IFNAME.test(name)) found.push(`${ns ?? 'host'}:${name}`);
  }
  return found.sort();
}

/**
 * Temporary interfaces left behind. A host temporary can belong to a
 * concurrent chainmail run of someone else for a moment; only one that is
 * still there a second later counts. Namespace temporaries always count.
 */
export function leftoverTemps(namespaces: readonly string[]): string[] {
  const first = tempInterfaces(namespaces);
  if (!first.some((t) => t.startsWith('host:'))) return first;
  spawnSync('sleep', ['1']);
  const again = new Set(tempInterfaces(namespaces));
  return first.filter((t) => again.has(t));
}

/** Polls a condition (synchronously evaluated) until it holds or time runs out. */
export async function eventually<T>(probe: () => T, ok: (v: T) => boolean, timeoutMs = 3000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = probe();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = probe();
  }
  return value;
}

/**
 * What one test creates, removed again by cleanup() whether the test passed
 * or not: named namespaces (cmt-*), host interfaces (cmt*), processes.
 * Use: `const scratch = new Scratch(); afterEach(() => scratch.cleanup());`
 */
export class Scratch {
  private readonly namespaces = new Set<string>();
  private readonly hostLinks = new Set<string>();
  private readonly children = new Set<ChildProcess>();

  /** A fresh namespace named cmt-<prefix>-<hex>, loopback up. */
  netns(prefix: string): string {
    const name = uniqueName(prefix);
    if (!name.startsWith('cmt-')) throw new Error(`bad test namespace name ${name}`);
    this.namespaces.add(name);
    createNetns(name);
    return name;
  }

  /** Registers a namespace made some other way, so cleanup removes it. */
  adoptNetns(name: string): string {
    this.namespaces.add(name);
    return name;
  }

  /** Registers a host interface (cmt*), so cleanup deletes it if it still exists. */
  adoptHostLink(name: string): string {
    if (!name.startsWith('cmt')) throw new Error(`host test interface ${name} must start with cmt`);
    this.hostLinks.add(name);
    return name;
  }

  /** A veth pair in the host namespace, both ends cmt*; the first end is set up. */
  hostVeth(tag = 'p'): { a: string; b: string } {
    const a = this.adoptHostLink(uniqueIfName(tag));
    const b = this.adoptHostLink(uniqueIfName(tag));
    sh('ip', ['link', 'add', 'name', a, 'type', 'veth', 'peer', 'name', b]);
    sh('ip', ['link', 'set', 'dev', a, 'up']);
    return { a, b };
  }

  /** Starts `argv` inside namespace ns (`ip netns exec`, which execs: the pid is the program's). */
  spawnIn(ns: string, argv: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: 'ignore' });
    this.children.add(child);
    child.on('exit', () => this.children.delete(child));
    return child;
  }

  async cleanup(): Promise<void> {
    const exits = [...this.children].map(
      (c) =>
        new Promise<void>((r) => {
          if (c.exitCode !== null || c.signalCode !== null) return r();
          c.once('exit', () => r());
          c.kill('SIGKILL');
          setTimeout(r, 2000);
        }),
    );
    await Promise.all(exits);
    this.children.clear();
    for (const ns of this.namespaces) deleteNetns(ns);
    this.namespaces.clear();
    for (const l of this.hostLinks) {
      if (spawnSync('ip', ['link', 'show', 'dev', l], { stdio: 'ignore' }).status === 0) {
        spawnSync('ip', ['link', 'del', 'dev', l], { stdio: 'ignore' });
      }
    }
    this.hostLinks.clear();
  }
}
