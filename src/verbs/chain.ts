import type { ChainCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { chainDown, chainStatus, chainUp } from '../chain/apply.js';
import { healForever, healOnce, type HealReport } from '../chain/heal.js';
import { readRecord } from '../chain/state-file.js';
import { interruptibleBetweenSteps, onFirstSignal } from '../sys/interrupt.js';
import type { CommandContext, CommandResult } from '../host/context.js';
import { hasNetworkPrivilege } from '../sys/privilege.js';
import { deriveChain } from '../chain/derive.js';
import { planOnEmptyHost } from '../chain/plan-up.js';
import type { ChainSpec } from '../chain/model.js';

export async function runChain(cmd: ChainCommand, ctx: CommandContext): Promise<CommandResult> {
  const spec = loadChainFile(cmd.file);
  const record = await readRecord(spec.name);
  // once up, a chain stays on what it was brought up on
  const options = { docker: record ? record.mode === 'docker' : cmd.docker, ...(cmd.image ? { image: cmd.image } : {}), keepPartial: cmd.keepPartial };
  switch (cmd.action) {
    case 'up': {
      if (cmd.dryRun && !hasNetworkPrivilege()) return dryRunFromFile(spec, options.docker);
      const r = await interruptibleBetweenSteps(() => chainUp(spec, { ...options, dryRun: cmd.dryRun }, ctx));
      const what = options.docker ? 'containers' : 'network namespaces';
      const lines =
        r.actions.length === 0
          ? [`chain ${spec.name} is up: nothing to change`]
          : [
              `${r.dryRun ? 'would' : 'did'}, on ${what}:`,
              ...r.actions.map((a) => `  ${a}`),
              ...(r.dryRun ? [] : [`chain ${spec.name} is up (${r.actions.length} changes, ${r.ms} ms)`]),
            ];
      return { ok: true, lines, json: r };
    }
    case 'status': {
      const items = await chainStatus(spec, options, ctx);
      const broken = items.filter((i) => !i.ok);
      const lines = [
        ...items.map((i) => `${i.ok ? '✓' : '✗'} ${i.kind.padEnd(10)} ${i.what}${i.detail ? `  (${i.detail})` : ''}`),
        broken.length ? `chain ${spec.name}: ${broken.length} of ${items.length} not ok` : `chain ${spec.name}: all ${items.length} ok`,
      ];
      return { ok: broken.length === 0, lines, json: { name: spec.name, ok: broken.length === 0, items } };
    }
    case 'down': {
      const r = await chainDown(spec, ctx);
      const lines = r.removed.length ? [`removed: ${r.removed.join(', ')}`] : [`chain ${spec.name} was not up: nothing to remove`];
      if (r.kept.length) lines.push(`left alone (not made by this chain): ${r.kept.join(', ')}`);
      if (r.failed.length) lines.push(`✗ could not remove (kept on record; run chain down again): ${r.failed.join(', ')}`);
      return { ok: r.failed.length === 0, lines, json: r };
    }
    case 'heal': {
      if (cmd.watch) {
        let stop = false;
        onFirstSignal(['SIGINT', 'SIGTERM'], () => {
          stop = true;
        });
        process.stdout.write(`watching chain ${spec.name} (${cmd.policy}); Ctrl-C stops\n`);
        await healForever(
          spec,
          cmd.policy,
          options,
          ctx,
          (r) => process.stdout.write(healLines(r).join('\n') + '\n'),
          () => stop,
        );
        return { ok: true, lines: ['stopped watching'], json: { ok: true } };
      }
      const r = await healOnce(spec, cmd.policy, options, ctx);
      return { ok: r.probesOk, lines: healLines(r), json: r };
    }
  }
}

function healLines(r: HealReport): string[] {
  if (r.actions.length === 0 && r.dead.length === 0) return r.notes;
  return [
    ...(r.dead.length ? [`dead: ${r.dead.join(', ')}`] : []),
    ...r.notes.map((n) => `note: ${n}`),
    ...r.actions.map((a) => `  ${a}`),
    r.probesOk ? `✓ healed: probes pass ${r.ms} ms after the failure was seen` : `✗ changes made, but probes still fail after ${r.ms} ms:`,
    ...(r.failingProbes ?? []).map((p) => `  ✗ ${p}`),
  ];
}

/** `chain up --dry-run` without root: what is there cannot be read, so the plan is for a host without the chain, and says so. */
function dryRunFromFile(spec: ChainSpec, docker: boolean): CommandResult {
  const actions = planOnEmptyHost(deriveChain(spec));
  const note = 'not root: what exists was not read; this is the plan for a host without the chain';
  return {
    ok: true,
    lines: [`would, on ${docker ? 'containers' : 'network namespaces'} (${note}):`, ...actions.map((a) => `  ${a}`)],
    json: { name: spec.name, actions, dryRun: true, ms: 0, observed: false },
  };
}
