/** Pure: the kernel's interface counters as /proc/PID/net/dev prints them for that process's network namespace. */

export interface InterfaceCounters {
  rxBytes: number;
  rxPackets: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txDropped: number;
}

/**
 * `/proc/net/dev` text -> counters by interface name. The two header lines
 * and anything else that is not `NAME: sixteen numbers` are skipped.
 */
export function parseNetDev(text: string): Map<string, InterfaceCounters> {
  const counters = new Map<string, InterfaceCounters>();
  for (const line of text.split('\n')) {
    // the name ends at the last colon before the numbers (an alias name may hold a colon)
    const m = /^\s*(\S+?):\s*(\d[\d\s]*)$/.exec(line);
    if (!m) continue;
    const f = m[2]!.trim().split(/\s+/).map(Number);
    if (f.length < 16) continue;
    counters.set(m[1]!, { rxBytes: f[0]!, rxPackets: f[1]!, rxDropped: f[3]!, txBytes: f[8]!, txPackets: f[9]!, txDropped: f[11]! });
  }
  return counters;
}
