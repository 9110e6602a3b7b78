import type { KillCommand } from '../parse/verbs.js';
import { executeSteps, query } from '../net/executor.js';
import type { CommandContext, CommandResult } from './context.js';

const GRACE_MS = 2000;

/**
 * The seed's `docker kill`: a container is killed (its namespace and every
 * veth end in it go away); a named namespace has its processes stopped and
 * is deleted, which destroys its interfaces and their peers the same way.
 */
export async function runKill(cmd: KillCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  if (ns.kind === 'docker') {
    await ctx.docker.kill(ns.containerId ?? ns.label);
    return { ok: true, lines: [`killed container ${ns.label}`], json: { ok: true, target: ns.label, kind: 'docker' } };
  }
  const name = ns.netnsName!;
  const pids = await processesIn(name);
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  await executeSteps([{ describe: `delete network namespace ${name}`, argv: ['ip', 'netns', 'del', name] }]);
  const stopped = pids.length ? `, stopped ${pids.length} process${pids.length === 1 ? '' : 'es'}` : '';
  return { ok: true, lines: [`deleted network namespace ${name}${stopped}`], json: { ok: true, target: name, kind: 'netns', pids } };
}

async function processesIn(netns: string): Promise<number[]> {
  const out = await query(['ip', 'netns', 'pids', netns], `list the processes in ${netns}`);
  return out.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number).filter((p) => p !== process.pid);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch { /* already gone */ }
}
