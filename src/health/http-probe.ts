import { fileURLToPath } from 'node:url';
import { run } from '../sys/exec.js';
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

/** HTTP GET from inside the namespace (a short-lived node process entered into it). */
export async function probeFrom(ns: Namespace, url: string, timeoutMs: number): Promise<ProbeResult> {
  const result = await run(commandIn(ns, [process.execPath, CHILD, url, String(timeoutMs)]), { timeoutMs: timeoutMs + 5000 });
  const line = result.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(line) as Omit<ProbeResult, 'url'>;
    return { url, ...parsed, ms: Math.round(parsed.ms * 10) / 10 };
  } catch {
    return { url, ms: 0, error: result.stderr.trim().split('\n')[0] || `probe exited with ${result.exitCode}` };
  }
}
