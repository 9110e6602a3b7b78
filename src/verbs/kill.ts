import { readFileSync } from 'node:fs';
import { ChainmailError } from '../errors.js';
import type { KillCommand } from '../parse/verbs.js';
import { query } from '../net/executor.js';
import { readInterfaces } from '../topology/read.js';
import { discoverTopology } from '../topology/discover.js';
import type { EndRef } from '../topology/model.js';
import { namespaceIdentity, type Namespace } from '../targets/namespace.js';
import type { CommandContext, CommandResult } from '../host/context.js';

const GRACE_MS = 2000;
/** The kernel tears a dead namespace down in the background; usually within milliseconds. */
const TEARDOWN_WAIT_MS = 5000;

/**
 * The seed's `docker kill`: a container is killed (its namespace and every
 * veth end in it go away, and with them their peers); a named namespace has
 * its processes stopped and is deleted, with the same effect. Returns once
 * the peers elsewhere are gone, so the next command sees the broken chain.
 */
export async function runKill(cmd: KillCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const [target, init, own] = await Promise.all([ns.path, '/proc/1/ns/net', `/proc/${process.pid}/ns/net`].map(namespaceIdentity));
  if (ns.kind === 'netns' && target !== undefined && (target === init || target === own)) {
    throw new ChainmailError(`${ns.label} is the host's own network namespace: chainmail will not stop every process on the host`);
  }
  const topology = await discoverTopology(ctx.docker);
  const peers = topology.links
    .filter((l) => l.kind === 'veth' && l.b && (l.a.target === ns.label) !== (l.b.target === ns.label))
    .map((l) => (l.a.target === ns.label ? l.b! : l.a));

  let what: string;
  let json: Record<string, unknown>;
  if (ns.kind === 'docker') {
    await ctx.docker.kill(ns.containerId ?? ns.label);
    what = `killed container ${ns.label}`;
    json = { kind: 'docker' };
  } else {
    // the name goes first: a UI watching the namespace then lets it go instead of starting its
    // monitor and pinger again in it when they are stopped
    const inside = await processesIn(ns.netnsName!);
    await ctx.execute([{ describe: `delete network namespace ${ns.label}`, argv: ['ip', 'netns', 'del', ns.netnsName!] }]);
    const pids = await stopProcesses(inside);
    what = `deleted network namespace ${ns.label}${pids.length ? `, stopped ${pids.length} process${pids.length === 1 ? '' : 'es'}` : ''}`;
    json = { kind: 'netns', pids };
  }

  const lingering = await waitUntilGone(
    peers,
    topology.targets.map((t) => t.ns),
  );
  const gone = peers.filter((p) => !lingering.includes(p)).map((p) => `${p.target}:${p.ifname}`);
  const lines = [what];
  if (gone.length) lines.push(`links gone with it: ${gone.join(', ')}`);
  if (lingering.length) lines.push(`still present after ${TEARDOWN_WAIT_MS / 1000} s: ${lingering.map((p) => `${p.target}:${p.ifname}`).join(', ')}`);
  return { ok: true, lines, json: { ok: true, target: ns.label, ...json, peersGone: gone } };
}

async function waitUntilGone(peers: readonly EndRef[], namespaces: readonly Namespace[]): Promise<EndRef[]> {
  let remaining = [...peers];
  const deadline = Date.now() + TEARDOWN_WAIT_MS;
  while (remaining.length) {
    const checks = await Promise.all(
      remaining.map(async (p) => {
        const ns = namespaces.find((n) => n.label === p.target);
        if (!ns) return false;
        try {
          return (await readInterfaces(ns)).some((i) => i.name === p.ifname);
        } catch {
          return false; // the namespace itself went away
        }
      }),
    );
    remaining = remaining.filter((_, i) => checks[i]);
    if (!remaining.length || Date.now() > deadline) break;
    await sleep(20);
  }
  return remaining;
}

async function processesIn(netns: string): Promise<number[]> {
  const out = await query(['ip', 'netns', 'pids', netns], `list the processes in ${netns}`);
  return out
    .split('\n')
    .filter((l) => /^\d+$/.test(l.trim()))
    .map(Number)
    .filter((p) => p !== process.pid);
}

async function stopProcesses(pids: readonly number[]): Promise<readonly number[]> {
  for (const pid of pids) signal(pid, 'SIGTERM');
  const deadline = Date.now() + GRACE_MS;
  while (pids.some(alive) && Date.now() < deadline) await sleep(50);
  for (const pid of pids.filter(alive)) signal(pid, 'SIGKILL');
  return pids;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Running, not a zombie waiting for a parent that may never reap it. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}
