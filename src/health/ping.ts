import { runProbe } from '../sys/exec.js';
import { commandIn, type Namespace } from '../targets/namespace.js';

export interface PingResult {
  address: string;
  sent: number;
  received: number;
  lossPct: number;
  avgMs?: number;
  /** An ICMP error someone sent back, e.g. "10.0.4.2: Destination Net Unreachable". */
  icmpError?: string;
  error?: string;
}

/** Pure: the summary lines of iputils ping -> counts and average round trip. */
export function parsePingOutput(address: string, stdout: string): PingResult {
  const counts = /(\d+) packets transmitted, (\d+) (?:packets )?received/.exec(stdout);
  const rtt = /= [\d.]+\/([\d.]+)\/[\d.]+/.exec(stdout);
  const icmp = /^From (\S+?)(?: \([^)]*\))?:? icmp_seq=\d+ (.+)$/m.exec(stdout);
  const sent = counts ? Number(counts[1]) : 0;
  const received = counts ? Number(counts[2]) : 0;
  return {
    address,
    sent,
    received,
    lossPct: sent === 0 ? 100 : Math.round(((sent - received) / sent) * 100),
    ...(rtt ? { avgMs: Number(rtt[1]) } : {}),
    ...(icmp ? { icmpError: `${icmp[1]}: ${icmp[2]!.trim()}` } : {}),
  };
}

/** ICMP echo from inside the namespace, a fifth of a second apart, one second per reply at most. */
export async function pingFrom(ns: Namespace, address: string, count: number): Promise<PingResult> {
  const result = await runProbe(commandIn(ns, ['ping', '-n', '-c', String(count), '-i', '0.2', '-W', '1', address]), {
    timeoutMs: count * 1200 + 3000,
  });
  const parsed = parsePingOutput(address, result.stdout);
  if (parsed.sent === 0) {
    const reason = result.stderr.split('\n').find((l) => l.trim()) ?? `ping exited with ${result.exitCode}`;
    return { ...parsed, error: reason.replace(/^ping: /, '') };
  }
  return parsed;
}
