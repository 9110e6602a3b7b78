import { readFileSync } from 'node:fs';
import { ChainmailError } from '../errors.js';

const CAP_NET_ADMIN = 12n;
const CAP_SYS_ADMIN = 21n;

/** Effective capabilities of this process, from /proc/self/status. */
function effectiveCapabilities(): bigint {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const hex = /^CapEff:\s*([0-9a-f]+)$/m.exec(status)?.[1];
    return hex ? BigInt(`0x${hex}`) : 0n;
  } catch {
    return 0n;
  }
}

/**
 * Changing links and entering namespaces needs CAP_NET_ADMIN and CAP_SYS_ADMIN
 * (setns). Say so once, before anything is attempted.
 */
export function requireNetworkPrivilege(): void {
  const caps = effectiveCapabilities();
  const missing = [...((caps >> CAP_NET_ADMIN) & 1n ? [] : ['CAP_NET_ADMIN']), ...((caps >> CAP_SYS_ADMIN) & 1n ? [] : ['CAP_SYS_ADMIN'])];
  if (missing.length) {
    const what = `missing ${missing.join(' and ')}`;
    // root without the capabilities (a container without them, a dropped bounding set): sudo would not help
    throw new ChainmailError(
      process.geteuid?.() === 0
        ? `not enough privilege: root, but ${what} (in a container: --cap-add NET_ADMIN --cap-add SYS_ADMIN)`
        : `root is needed (${what}): run it with sudo`,
      4,
    );
  }
}

/** Whether this process may read and change network namespaces (requireNetworkPrivilege would pass). */
export function hasNetworkPrivilege(): boolean {
  const caps = effectiveCapabilities();
  return ((caps >> CAP_NET_ADMIN) & 1n) === 1n && ((caps >> CAP_SYS_ADMIN) & 1n) === 1n;
}
