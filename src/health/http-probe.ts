import { fileURLToPath } from 'node:url';
import { NODE_CHILD_ENV, runProbe } from '../sys/exec.js';
import { commandIn, type Namespace } from '../targets/namespace.js';

export interface ProbeResult {
  url: string;
  status?: number;
  ms: number;
  bytes?: number;
  title?: string;
  error?: string;
}

const CHILD = fileURLToPath(new URL('./http-probe-child.js', import.meta.url));

/** Pure: node's socket error codes in words. */
export function explainProbeError(error: string, url: string): string {
  const { hostname, port, protocol } = new URL(url);
  const where = `${hostname}:${port || (protocol === 'https:' ? 443 : 80)}`;
  const code = /^([A-Z_]+):/.exec(error)?.[1];
  switch (code) {
    case 'ENETUNREACH':
      return `network unreachable: no route to ${hostname}`;
    case 'EHOSTUNREACH':
      return `host unreachable: nothing answers for ${hostname} on the link`;
    case 'ECONNREFUSED':
      return `connection refused: nothing listens on ${where}`;
    case 'ECONNRESET':
      return `connection reset by ${where}`;
    case 'ETIMEDOUT':
      return `no answer from ${where}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${hostname}`;
    default:
      return error;
  }
}

/** HTTP GET from inside the namespace (a short-lived node process entered into it). */
export async function probeFrom(ns: Namespace, url: string, timeoutMs: number): Promise<ProbeResult> {
  const result = await runProbe(commandIn(ns, [process.execPath, CHILD, url, String(timeoutMs)]), { timeoutMs: timeoutMs + 5000, env: NODE_CHILD_ENV });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as Omit<ProbeResult, 'url'>;
    return { url, ...parsed, ...(parsed.error ? { error: explainProbeError(parsed.error, url) } : {}), ms: Math.round(parsed.ms * 10) / 10 };
  } catch {
    return { url, ms: 0, error: result.stderr.trim().split('\n')[0] || `probe exited with ${result.exitCode}` };
  }
}
