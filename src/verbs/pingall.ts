/**
 * `pingall [FILE|--live]`: Mininet's pingall. Every ordered pair of addressed
 * targets is pinged from inside its source, several at once; the matrix
 * shows which reach. With a chain file the targets are its nodes (as healed,
 * if healed) and the exit code says whether every pair the chain expects to
 * reach does (chain/pingall-targets.ts); live, it only reports.
 */
import { ChainmailError } from '../errors.js';
import type { PingallCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { deriveChain } from '../chain/derive.js';
import { readRecord } from '../chain/state-file.js';
import { chainPingTargets } from '../chain/pingall-targets.js';
import { planPingPairs, summarizePingall, type PingallPair, type PingallResult, type PingallTarget } from '../plan/pingall.js';
import { renderPingall } from '../render/pingall.js';
import { pingFrom } from '../health/ping.js';
import { forEachLimit } from '../sys/limit.js';
import { discoverTopology } from '../topology/discover.js';
import type { Interface } from '../topology/model.js';
import type { Namespace } from '../targets/namespace.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/** Pings at once: each is a short process, mostly waiting. */
const PARALLEL_PINGS = 8;
/** Echoes per pair: a first echo lost while a neighbour is resolved does not make the pair unreachable. */
const ECHOES = 2;

export async function runPingall(cmd: PingallCommand, ctx: CommandContext): Promise<CommandResult> {
  const source = cmd.file === undefined ? await liveTargets(ctx) : await chainTargets(cmd.file, ctx);
  const pairs = planPingPairs(source.targets, source.expected);
  const results = await pingPairs(pairs, source.namespaces);
  const summary = summarizePingall(results);
  const names = source.targets.filter((t) => t.address !== undefined).map((t) => t.name);
  const ok = cmd.file === undefined ? summary.anyRan : summary.anyRan && summary.missed.length === 0;
  return {
    ok,
    lines: renderPingall(names, results),
    json: {
      ok,
      source: cmd.file ?? 'live',
      targets: source.targets,
      reachable: summary.reachable,
      total: summary.total,
      missed: summary.missed.map((r) => `${r.from} → ${r.to}`),
      pairs: results,
    },
  };
}

interface PingallSource {
  targets: PingallTarget[];
  expected: Set<string>;
  /** The sources that run now; a target missing here is reported as not running. */
  namespaces: Map<string, Namespace>;
}

async function chainTargets(file: string, ctx: CommandContext): Promise<PingallSource> {
  const spec = loadChainFile(file);
  const record = await readRecord(spec.name);
  const { targets, expected } = chainPingTargets(deriveChain(record?.healed ?? spec));
  const namespaces = new Map<string, Namespace>();
  await Promise.all(
    targets.map(async (t) => {
      const kind = record?.mode === 'docker' ? 'docker' : record ? 'netns' : 'auto';
      try {
        namespaces.set(t.name, await ctx.resolve({ kind, name: t.name }));
      } catch (err) {
        if (!(err instanceof ChainmailError)) throw err;
      }
    }),
  );
  return { targets, expected, namespaces };
}

/** Every container and named namespace with an address (the host is not a target here). */
async function liveTargets(ctx: CommandContext): Promise<PingallSource> {
  const topology = await discoverTopology(ctx.docker);
  const live = topology.targets.filter((t) => t.ns.kind !== 'host' && t.ns.path !== '' && t.error === undefined);
  const targets = live.map((t) => {
    const address = pingAddress(t.interfaces);
    return { name: t.ns.label, ...(address ? { address } : {}) };
  });
  return { targets, expected: new Set(), namespaces: new Map(live.map((t) => [t.ns.label, t.ns])) };
}

/** The address others ping a target at: its first global IPv4 address, else its first global IPv6 one. */
export function pingAddress(interfaces: readonly Interface[]): string | undefined {
  const global = interfaces
    .filter((i) => i.name !== 'lo' && i.adminUp)
    .flatMap((i) => i.addresses)
    .filter((a) => a.scope === 'global');
  return (global.find((a) => a.family === 4) ?? global[0])?.address;
}

async function pingPairs(pairs: readonly PingallPair[], namespaces: ReadonlyMap<string, Namespace>): Promise<PingallResult[]> {
  const results = new Map<PingallPair, PingallResult>();
  await forEachLimit(pairs, PARALLEL_PINGS, async (pair) => {
    const ns = namespaces.get(pair.from);
    if (!ns) {
      results.set(pair, { ...pair, ok: false, ran: false, detail: `${pair.from} is not running` });
      return;
    }
    const r = await pingFrom(ns, pair.address, ECHOES);
    const ok = r.received > 0;
    const detail = ok ? undefined : (r.error ?? r.icmpError);
    results.set(pair, { ...pair, ok, ran: r.error === undefined, ...(ok && r.avgMs !== undefined ? { ms: r.avgMs } : {}), ...(detail ? { detail } : {}) });
  });
  return pairs.map((p) => results.get(p)!);
}
