/**
 * Helpers for tests that run against the real kernel and Docker engine.
 * Every resource is named cmt-<something unique> so that scripts/test.sh can
 * sweep up after a crashed run; each test still removes its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
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

/** Runs the real program, as a user would, with an argument array. */
export function chainmail(args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], {
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
export function ipJson<T = any>(ns: string | undefined, args: readonly string[]): T {
  const out = sh('ip', [...(ns ? ['-n', ns] : []), '-j', ...args]);
  return (out.trim() ? JSON.parse(out) : []) as T;
}

export interface LinkInfo { ifname: string; operstate: string; mtu: number; flags: string[]; linkinfo?: { info_kind?: string; info_data?: any }; addr_info?: Array<{ local: string; prefixlen: number; family: string; scope: string }> }

export function links(ns?: string): LinkInfo[] {
  return ipJson<LinkInfo[]>(ns, ['-d', 'addr', 'show']);
}

export function linkNames(ns?: string): string[] {
  return links(ns).map((l) => l.ifname).sort();
}

/** Global addresses on an interface, as CIDR strings. */
export function addressesOf(ns: string | undefined, ifname: string): string[] {
  const l = links(ns).find((x) => x.ifname === ifname);
  return (l?.addr_info ?? []).filter((a) => a.scope !== 'link' && a.scope !== 'host').map((a) => `${a.local}/${a.prefixlen}`).sort();
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
    const args = kind === 'vlan' ? ['link', parent, 'name', 'cmtk', 'type', 'vlan', 'id', '10']
      : kind === 'macvlan' ? ['link', parent, 'name', 'cmtk', 'type', 'macvlan', 'mode', 'bridge']
        : ['name', 'cmtk', 'type', 'vxlan', 'id', '5', 'remote', '10.255.0.1', 'dstport', '8472', 'dev', parent];
    return spawnSync('ip', ['-n', ns, 'link', 'add', ...args]).status === 0;
  } finally {
    deleteNetns(ns);
  }
}
