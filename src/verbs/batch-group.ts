/**
 * Runs a group of batch lines (plan/batch-group.ts) together: their targets
 * resolved and locked once, each namespace read once, every veth pair made
 * by one host `ip -batch`, then one `ip -batch` per namespace, all at once,
 * then forwarding. If a batch fails, what ran of the group is taken back and
 * its lines run again one by one as without grouping, so the failing line
 * fails with its own error and exit code, the lines before it applied.
 */
import type { CommandContext } from '../host/context.js';
import type { BatchLine } from '../parse/batch.js';
import {
  forwardArgs,
  forwardResult,
  planGroup,
  targetsOf,
  undoLines,
  type GroupedCommand,
  type GroupInput,
  type GroupPlan,
  type NamespaceState,
} from '../plan/batch-group.js';
import { linesDoneBeforeFailure } from '../chain/up-batches.js';
import { run } from '../sys/exec.js';
import { commandIn, hostNamespace, ipIn, namespaceIdentity, type Namespace } from '../targets/namespace.js';
import { withTargetLocks } from '../targets/target-lock.js';
import { readInterfaces } from '../topology/read.js';

/** What a line reports (as batch.ts prints and --json lists it). */
export interface GroupLineResult {
  ok: boolean;
  lines: string[];
  json: unknown;
}

/** Runs one line on its own, as without grouping; returns whether the batch goes on after it. */
export type RunAlone = (line: BatchLine) => Promise<boolean>;

/** Reports a line done by the group. */
export type ReportDone = (line: BatchLine, result: GroupLineResult) => void;

/**
 * Runs `lines` (every one groupable) in order; returns whether the batch
 * goes on after them. Lines the group cannot take, and every line of a group
 * that failed, go through `alone`.
 */
export async function runGroup(lines: readonly BatchLine[], ctx: CommandContext, alone: RunAlone, done: ReportDone): Promise<boolean> {
  const cmds = lines.map((l) => l.command as GroupedCommand);
  let resolved: Namespace[][];
  try {
    resolved = await Promise.all(cmds.map((cmd) => Promise.all(targetsOf(cmd).map((t) => ctx.resolve(t)))));
  } catch {
    // a target that does not resolve: its line says so on its own
    return runAlone(lines, alone);
  }
  return withTargetLocks(resolved.flat(), () => runResolved(lines, resolved, ctx, alone, done));
}

async function runAlone(lines: readonly BatchLine[], alone: RunAlone): Promise<boolean> {
  for (const line of lines) if (!(await alone(line))) return false;
  return true;
}

async function runResolved(lines: readonly BatchLine[], resolved: Namespace[][], ctx: CommandContext, alone: RunAlone, done: ReportDone): Promise<boolean> {
  let from = 0;
  while (from < lines.length) {
    const started = performance.now();
    const rest = lines.slice(from);
    const inputs = await readStates(rest, resolved.slice(from), ctx);
    if (!inputs) return runAlone(rest, alone);
    const plan = planGroup(inputs);
    const taken = rest.slice(0, plan.taken);
    if (taken.length > 0) {
      const outcome = await execute(plan);
      if (outcome === 'undone') {
        if (!(await runAlone(taken, alone))) return false;
      } else {
        const ms = Math.round(performance.now() - started);
        const span = taken.length > 1 ? `lines ${taken[0]!.lineNo}-${taken.at(-1)!.lineNo} together: ${ms} ms` : `${ms} ms`;
        const upTo = outcome.failedForward ?? taken.length;
        for (let i = 0; i < upTo; i++) {
          const printed = outcome.forwards.get(i);
          const r = printed !== undefined ? forwardResult(plan.forwards.find((f) => f.line === i)!.ns.label, printed) : plan.results[i]!;
          done(taken[i]!, { ok: true, lines: [`${r.summary} (${span})`], json: { ...r.json, ms } });
        }
        // a forwarding switch that failed: the lines before it stay, it and the rest run alone (it says why)
        if (outcome.failedForward !== undefined && !(await runAlone(taken.slice(outcome.failedForward), alone))) return false;
      }
    }
    from += taken.length;
    if (from < lines.length) {
      // the line the plan could not take runs alone (it fails as it would have), then the rest is planned again
      if (!(await alone(lines[from]!))) return false;
      from += 1;
    }
  }
  return true;
}

/** Each line's namespaces with what they hold, read once per namespace; undefined when a namespace is gone. */
async function readStates(lines: readonly BatchLine[], resolved: Namespace[][], ctx: CommandContext): Promise<GroupInput[] | undefined> {
  const identities = await Promise.all(resolved.map((nss) => Promise.all(nss.map((ns) => namespaceIdentity(ns.path)))));
  if (identities.some((ids) => ids.some((id) => id === undefined))) return undefined;
  const reads = new Map<string, Promise<NamespaceState>>();
  const needsRead = (cmd: GroupedCommand) => cmd.verb !== 'forward';
  const inputs = lines.map((line, i) => {
    const cmd = line.command as GroupedCommand;
    const states = resolved[i]!.map((ns, k) => {
      const identity = identities[i]![k]!;
      if (!needsRead(cmd)) return Promise.resolve({ ns, identity, interfaces: [] });
      if (!reads.has(identity))
        reads.set(
          identity,
          readInterfaces(ns).then((interfaces) => ({ ns, identity, interfaces })),
        );
      return reads.get(identity)!;
    });
    return Promise.all(states).then((namespaces) => ({ cmd, namespaces, tag: ctx.newTag() }));
  });
  try {
    return await Promise.all(inputs);
  } catch {
    return undefined;
  }
}

/**
 * Runs a plan: 'undone' when an `ip -batch` failed (what ran of the group
 * was taken back); else what each forward line's sysctl printed, and the
 * forward line that failed, if one did (those after it did not run).
 */
async function execute(plan: GroupPlan): Promise<'undone' | { forwards: Map<number, string>; failedForward?: number }> {
  const batchIn = (ns: Namespace, lines: readonly string[], force = false) =>
    run(ipIn(ns, [...(force ? ['-force'] : []), '-batch', '-']), { input: lines.join('\n') + '\n' });
  let pairsMade = plan.pairs.length;
  const ran = new Map<string, number>();
  let failed = false;
  if (plan.pairs.length) {
    const r = await batchIn(
      hostNamespace(),
      plan.pairs.map((p) => p.text),
    );
    if (r.exitCode !== 0) {
      pairsMade = linesDoneBeforeFailure(r.stderr) ?? 0;
      failed = true;
    }
  }
  if (!failed) {
    const results = await Promise.all(
      [...plan.perNamespace].map(async ([identity, { ns, entries }]) => {
        const r = await batchIn(
          ns,
          entries.map((e) => e.text),
        );
        ran.set(identity, r.exitCode === 0 ? entries.length : (linesDoneBeforeFailure(r.stderr) ?? entries.length));
        return r.exitCode === 0;
      }),
    );
    failed = results.includes(false);
  }
  if (failed) {
    const nsOf = new Map([...plan.perNamespace].map(([id, b]) => [id, b.ns]));
    const undo = undoLines(plan, ran, pairsMade);
    await Promise.all(
      [...undo].map(async ([identity, lines]) => {
        const ns = nsOf.get(identity);
        // -force: each line on its own; a line whose thing is already gone (a route with its link) fails harmlessly
        if (ns) await batchIn(ns, lines, true);
      }),
    );
    return 'undone';
  }
  const printed = new Map<number, string>();
  for (const f of plan.forwards) {
    const r = await run(commandIn(f.ns, forwardArgs(f.value)));
    if (r.exitCode !== 0) return { forwards: printed, failedForward: f.line };
    printed.set(f.line, r.stdout);
  }
  return { forwards: printed };
}
