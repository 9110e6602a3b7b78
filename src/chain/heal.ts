import type { CommandContext } from '../host/context.js';
import { access } from 'node:fs/promises';
import { NETNS_DIR } from '../targets/namespace.js';
import { deriveChain, linkSubnet } from './derive.js';
import { planBypass } from './heal-plan.js';
import type { ChainSpec } from './model.js';
import { chainStatus, chainUp, downLinkEnds, readRecord, removeChainLinks, writeRecord, type ChainOptions, type UpOptions } from './apply.js';
import { ChainmailError } from '../errors.js';
import { withChainLock } from '../targets/target-lock.js';
import { recordKey } from './hosts.js';

export type HealPolicy = 'bypass' | 'reattach';

/**
 * Across hosts, one host sees only its own nodes die: `deadElsewhere` names
 * nodes of other hosts that died (chain heal --dead), so that this host
 * makes its part of the same bypass (planBypass is the same on every host).
 */
export type HealOptions = UpOptions & { deadElsewhere?: string[] };

export interface HealReport {
  dead: string[];
  actions: string[];
  notes: string[];
  /** From the failure being seen to every probe passing again. */
  ms: number;
  probesOk: boolean;
  /** The probes still failing when heal gave up, each with what it saw. */
  failingProbes?: string[];
}

const POLL_MS = 100;
const PROBES_GREEN_WITHIN_MS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nodes of the chain that are not running now (namespace gone, container stopped). */
export async function deadNodes(spec: ChainSpec, options: ChainOptions, ctx: CommandContext): Promise<string[]> {
  // across hosts, this host sees only its own nodes
  const nodes = spec.nodes.filter((n) => options.host === undefined || n.host === options.host);
  const alive = await Promise.all(
    nodes.map(async (n) => {
      if (!options.docker) {
        return access(`${NETNS_DIR}/${n.name}`).then(
          () => true,
          () => false,
        );
      }
      const c = await ctx.docker.find(n.name);
      return c?.running === true;
    }),
  );
  return nodes.filter((_, i) => !alive[i]).map((n) => n.name);
}

/**
 * Repairs the chain once. `bypass` joins the dead nodes' neighbours directly
 * and re-derives the routes (the story's manual repair); `reattach` waits for
 * nodes of the same names to come back and re-links them with their original
 * addresses. Returns when the probes pass again (or after ten seconds).
 */
export async function healOnce(spec: ChainSpec, policy: HealPolicy, options: HealOptions, ctx: CommandContext, seenAt = performance.now()): Promise<HealReport> {
  const key = recordKey(spec.name, options.host);
  const before = await readRecord(key);
  if (!before) throw new ChainmailError(`chain "${spec.name}" is not up: bring it up first (chain up FILE)`);
  const current = before.healed ?? spec;
  const elsewhere = (options.deadElsewhere ?? []).filter((n) => current.nodes.some((node) => node.name === n));
  const localDead = await deadNodes(current, options, ctx);
  const dead = [...localDead, ...elsewhere.filter((n) => !localDead.includes(n))];
  const notes: string[] = [];
  if (policy === 'bypass' && dead.length === 0) return completeLiveChain(spec, before.healed ?? spec, options, ctx, seenAt);
  if (policy === 'reattach') {
    const missing = await deadNodes(spec, options, ctx);
    if (missing.length) notes.push(`waiting for ${missing.join(', ')} to come back`);
    while ((await deadNodes(spec, options, ctx)).length) await sleep(POLL_MS);
  }
  // the record is read again and changed under the chain's lock: a down or up may have run meanwhile
  const up = await withChainLock(key, async () => {
    const record = await readRecord(key);
    if (!record) throw new ChainmailError(`chain "${spec.name}" was taken down while heal waited`);
    const healedBefore = record.healed;
    let bypassRemoved: string[] = [];
    if (policy === 'bypass') {
      const plan = planBypass(record.healed ?? spec, dead, spec.links.map(linkSubnet));
      notes.push(...plan.notes);
      record.healed = plan.spec;
      await writeRecord(record);
    } else {
      // back to the original chain: a bypass made before goes (its routes are replaced by up)
      const original = new Set(deriveChain(spec).links.map((l) => `${l.a.node}:${l.a.ifname}`));
      const bypass = record.createdLinks.filter((end) => !original.has(end));
      delete record.healed;
      await writeRecord(record);
      const removed = await removeChainLinks(record, bypass, options, ctx);
      bypassRemoved = removed;
      if (removed.length) notes.push(`removed the bypass ${removed.length === 1 ? 'link' : 'links'} ${removed.join(', ')}: the original chain is back`);
    }
    try {
      return await chainUp(spec, options, ctx);
    } catch (err) {
      // up removed what it made (or kept it, --keep-partial); unless kept, the chain is again the one it was
      if (policy === 'bypass' && !options.keepPartial) {
        const now = await readRecord(key);
        if (now) {
          if (healedBefore) now.healed = healedBefore;
          else delete now.healed;
          await writeRecord(now);
        }
      }
      // the bypass went before up ran: the error says so, whatever up says of its own run
      if (bypassRemoved.length && err instanceof ChainmailError) {
        const removed = `before it, heal removed the bypass ${bypassRemoved.length === 1 ? 'link' : 'links'} ${bypassRemoved.join(', ')}`;
        const message = /; nothing was changed$/.test(err.message) ? err.message.replace(/; nothing was changed$/, `; ${removed}`) : `${err.message}; ${removed}`;
        throw new ChainmailError(message, err.exitCode, err.context);
      }
      throw err;
    }
  });
  const failing = await waitForProbes(spec, options, ctx);
  return {
    dead,
    actions: up.actions,
    notes,
    ms: Math.round(performance.now() - seenAt),
    probesOk: failing.length === 0,
    ...(failing.length ? { failingProbes: failing } : {}),
  };
}

/**
 * Every node runs: nothing needs a bypass, but the chain may still lack what
 * `chain up` makes. A link with an end set down (`link TARGET IF down`) is
 * set up again; routes the kernel dropped with it (also when the end was set
 * up again by hand) are restored, and so is anything else removed by hand.
 */
async function completeLiveChain(spec: ChainSpec, current: ChainSpec, options: UpOptions, ctx: CommandContext, seenAt: number): Promise<HealReport> {
  const down = await downLinkEnds(current, options, ctx);
  const up = await chainUp(spec, options, ctx);
  if (up.actions.length === 0) return { dead: [], actions: [], notes: ['nothing to heal: every node runs and the chain is whole'], ms: 0, probesOk: true };
  const failing = await waitForProbes(spec, options, ctx);
  const changes = `${up.actions.length} change${up.actions.length === 1 ? '' : 's'}`;
  return {
    dead: [],
    actions: up.actions,
    notes: [
      down.length
        ? `${down.join(', ')} ${down.length === 1 ? 'was' : 'were'} set down, not dead: brought up again, no bypass needed`
        : `every node runs: put back what was missing (${changes}), no bypass needed`,
    ],
    ms: Math.round(performance.now() - seenAt),
    probesOk: failing.length === 0,
    ...(failing.length ? { failingProbes: failing } : {}),
  };
}

/** Waits for every probe to pass; returns those still failing when time is up (none: healed). */
async function waitForProbes(spec: ChainSpec, options: ChainOptions, ctx: CommandContext): Promise<string[]> {
  const deadline = Date.now() + PROBES_GREEN_WITHIN_MS;
  for (;;) {
    const failing = (await chainStatus(spec, options, ctx)).filter((i) => i.kind === 'probe' && !i.ok);
    if (failing.length === 0) return [];
    if (Date.now() > deadline) return failing.map((p) => `${p.what}${p.detail ? `: ${p.detail}` : ''}`);
    await sleep(POLL_MS);
  }
}

/** `chain heal --watch`: heals every time a node dies, until stopped. */
export async function healForever(
  spec: ChainSpec,
  policy: HealPolicy,
  options: UpOptions,
  ctx: CommandContext,
  report: (r: HealReport) => void,
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    const record = await readRecord(recordKey(spec.name, options.host));
    const current = record?.healed ?? spec;
    const dead = await deadNodes(policy === 'bypass' ? current : spec, options, ctx);
    if (dead.length) report(await healOnce(spec, policy, options, ctx, performance.now()));
    else await sleep(POLL_MS);
  }
}
