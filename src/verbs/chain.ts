import type { ChainCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { chainDown, chainStatus, chainUp, desiredFor } from '../chain/apply.js';
import { pickHost, recordKey } from '../chain/hosts.js';
import { UsageError } from '../errors.js';
import { readInterfaces } from '../topology/read.js';
import { hostNamespace } from '../targets/namespace.js';
import type { HealReport } from '../chain/heal.js';
import { readRecord } from '../chain/state-file.js';
import { interruptibleBetweenSteps, onFirstSignal } from '../sys/interrupt.js';
import type { CommandContext, CommandResult } from '../host/context.js';
import { hasNetworkPrivilege } from '../sys/privilege.js';
import { planOnEmptyHost } from '../chain/plan-up.js';
import type { ChainSpec } from '../chain/model.js';

export async function runChain(cmd: ChainCommand, ctx: CommandContext): Promise<CommandResult> {
  const spec = loadChainFile(cmd.file);
  const host = await thisHost(spec, cmd.as);
  const record = await readRecord(recordKey(spec.name, host));
  // once up, a chain stays on what it was brought up on
  const options = {
    docker: record ? record.mode === 'docker' : cmd.docker,
    ...(cmd.image ? { image: cmd.image } : {}),
    keepPartial: cmd.keepPartial,
    ...(host !== undefined ? { host } : {}),
  };
  const part = host !== undefined ? ` (${host}'s part)` : '';
  switch (cmd.action) {
    case 'up': {
      if (cmd.dryRun && !hasNetworkPrivilege()) return dryRunFromFile(spec, options.docker, host);
      const r = await interruptibleBetweenSteps(() => chainUp(spec, { ...options, dryRun: cmd.dryRun }, ctx));
      const what = options.docker ? 'containers' : 'network namespaces';
      const lines =
        r.actions.length === 0
          ? [`chain ${spec.name}${part} is up: nothing to change`]
          : [
              `${r.dryRun ? 'would' : 'did'}, on ${what}:`,
              ...r.actions.map((a) => `  ${a}`),
              ...(r.dryRun ? [] : [`chain ${spec.name}${part} is up (${r.actions.length} changes, ${r.ms} ms)`]),
            ];
      return { ok: true, lines, json: r };
    }
    case 'status': {
      const items = await chainStatus(spec, options, ctx);
      const broken = items.filter((i) => !i.ok);
      const down = items.filter((i) => i.state === 'down').length;
      const downNote = down ? ` (${down} link${down === 1 ? '' : 's'} set down: chain heal brings ${down === 1 ? 'it' : 'them'} up)` : '';
      const lines = [
        ...items.map((i) => `${i.ok ? '✓' : '✗'} ${i.kind.padEnd(10)} ${i.what}${i.detail ? `  (${i.detail})` : ''}`),
        broken.length ? `chain ${spec.name}${part}: ${broken.length} of ${items.length} not ok${downNote}` : `chain ${spec.name}${part}: all ${items.length} ok`,
      ];
      return { ok: broken.length === 0, lines, json: { name: spec.name, ...(host !== undefined ? { host } : {}), ok: broken.length === 0, items } };
    }
    case 'down': {
      const r = await chainDown(spec, ctx, host);
      const lines = r.removed.length ? [`removed: ${r.removed.join(', ')}`] : [`chain ${spec.name}${part} was not up: nothing to remove`];
      if (r.kept.length) lines.push(`left alone (not made by this chain): ${r.kept.join(', ')}`);
      if (r.failed.length) lines.push(`✗ could not remove (kept on record; run chain down again): ${r.failed.join(', ')}`);
      return { ok: r.failed.length === 0, lines, json: r };
    }
    case 'heal': {
      // loaded here: the other chain verbs do without it
      const { healForever, healOnce } = await import('../chain/heal.js');
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
      const r = await healOnce(spec, cmd.policy, { ...options, ...(cmd.dead ? { deadElsewhere: cmd.dead } : {}) }, ctx);
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

/** The host whose part of the chain this is (--as, or found by its underlay address); undefined for a chain on one host. */
async function thisHost(spec: ChainSpec, named: string | undefined): Promise<string | undefined> {
  const local = spec.hosts && named === undefined ? (await readInterfaces(hostNamespace())).flatMap((i) => i.addresses.map((a) => a.address)) : [];
  const picked = pickHost(spec, named, local);
  if ('problem' in picked) throw new UsageError(picked.problem);
  return picked.host;
}

/** `chain up --dry-run` without root: what is there cannot be read, so the plan is for a host without the chain, and says so. */
function dryRunFromFile(spec: ChainSpec, docker: boolean, host: string | undefined): CommandResult {
  const actions = planOnEmptyHost(desiredFor(spec, host));
  const note = 'not root: what exists was not read; this is the plan for a host without the chain';
  return {
    ok: true,
    lines: [`would, on ${docker ? 'containers' : 'network namespaces'} (${note}):`, ...actions.map((a) => `  ${a}`)],
    json: { name: spec.name, actions, dryRun: true, ms: 0, observed: false },
  };
}
