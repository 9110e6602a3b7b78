import { statSync } from 'node:fs';
import { stat } from 'node:fs/promises';

/** A resolved network namespace: something a command can be run inside. */
export interface Namespace {
  kind: 'docker' | 'netns' | 'pid' | 'path' | 'host';
  /** How it is shown to the user: `client`, `netns red`, `pid 4121`, `host`. */
  label: string;
  /** A file that opens the namespace (for nsenter and `ip link set ... netns`). */
  path: string;
  /** The `ip netns` name, for kind 'netns' (lets iproute2 use `-n NAME`). */
  netnsName?: string;
  /** The process whose namespace this is (docker and pid targets). */
  pid?: number;
  containerId?: string;
  containerName?: string;
}

export const NETNS_DIR = '/var/run/netns';

export function hostNamespace(): Namespace {
  return { kind: 'host', label: 'host', path: `/proc/${process.pid}/ns/net` };
}

/** argv of `ip ARGS` run inside the namespace. */
export function ipIn(ns: Namespace, args: readonly string[]): string[] {
  if (ns.kind === 'host') return ['ip', ...args];
  if (ns.netnsName !== undefined) return ['ip', '-n', ns.netnsName, ...args];
  return ['nsenter', `--net=${ns.path}`, '--', 'ip', ...args];
}

/** argv of any program run inside the namespace (network namespace only). */
export function commandIn(ns: Namespace, argv: readonly string[]): string[] {
  if (ns.kind === 'host') return [...argv];
  return ['nsenter', `--net=${ns.path}`, '--', ...argv];
}

/**
 * argv of a user's program run inside the namespace, as `ip netns exec` runs
 * it: for a named namespace through ip netns exec itself (which also shows
 * the namespace's own /sys and /etc/netns/NAME files), elsewhere through
 * nsenter into the network namespace.
 */
export function programIn(ns: Namespace, argv: readonly string[]): string[] {
  if (ns.netnsName !== undefined) return ['ip', 'netns', 'exec', ns.netnsName, ...argv];
  return commandIn(ns, argv);
}

/** The words that name this namespace again as a target (`docker NAME`, `netns NAME`, `pid N`, a path, `host`). */
export function targetWordsOf(ns: Namespace): string[] {
  switch (ns.kind) {
    case 'docker':
      return ['docker', ns.containerName ?? ns.containerId ?? ns.label];
    case 'netns':
      return ['netns', ns.netnsName ?? ns.label];
    case 'pid':
      return ns.pid !== undefined ? ['pid', String(ns.pid)] : [ns.path];
    case 'path':
      return [ns.path];
    case 'host':
      return ['host'];
  }
}

/**
 * A namespace's identity: namespace files are nsfs inodes, so equal device
 * and inode mean the same namespace however it was named. Undefined when the
 * file cannot be read (the namespace is gone).
 */
export async function namespaceIdentity(path: string): Promise<string | undefined> {
  try {
    const st = await stat(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}

/** namespaceIdentity, synchronously: watchers check it on every event. */
export function namespaceIdentitySync(path: string): string | undefined {
  try {
    const st = statSync(path);
    return `${st.dev}:${st.ino}`;
  } catch {
    return undefined;
  }
}
