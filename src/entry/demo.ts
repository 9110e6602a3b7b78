import { fileURLToPath } from 'node:url';
import type { DemoCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { chainDown, chainUp } from '../chain/apply.js';
import { deriveChain } from '../chain/derive.js';
import { readRecord } from '../chain/state-file.js';
import type { CommandContext, CommandResult } from '../host/context.js';

const DEMO_WATCH_EVERY_MS = 1000;

export const DEMO_CHAIN = fileURLToPath(new URL('../../examples/service-chain.yaml', import.meta.url));

/**
 * README's main job: the story's chain on network namespaces (no Docker
 * needed), the terminal UI watching it end to end, and everything removed on
 * exit. Without a terminal it brings the chain up, shows its status and
 * takes it down again.
 */
export async function runDemo(cmd: DemoCommand, ctx: CommandContext): Promise<CommandResult> {
  const spec = loadChainFile(DEMO_CHAIN);
  const options = { docker: cmd.docker };
  // a chain of the demo's name that is already up is the user's: shown, never removed
  const alreadyUp = (await readRecord(spec.name)) !== undefined;
  const up = await chainUp(spec, options, ctx);
  const lines = [`chain ${spec.name} is up on ${cmd.docker ? 'containers' : 'network namespaces'} (${up.actions.length} changes, ${up.ms} ms)`];
  try {
    if (process.stdout.isTTY && process.stdin.isTTY) {
      const { runUi } = await import('../ui/run-ui.js');
      const probes = deriveChain(spec).probes;
      const watchLines = probes.map((p) => `watch ${p.kind === 'http' ? 'http' : 'ping'} ${p.from} ${p.target}`);
      // its watches every second: the HTTP requests then show as traffic on every hop they cross
      await runUi({ startLines: [...watchLines], chainFile: DEMO_CHAIN, watchEveryMs: DEMO_WATCH_EVERY_MS });
    } else {
      const { chainStatus } = await import('../chain/apply.js');
      const items = await chainStatus(spec, options, ctx);
      lines.push(...items.map((i) => `${i.ok ? '✓' : '✗'} ${i.kind.padEnd(10)} ${i.what}${i.detail ? `  (${i.detail})` : ''}`));
      lines.push('(run chainmail demo in a terminal to watch it in the UI)');
    }
  } finally {
    if (alreadyUp) lines.push(`chain ${spec.name} was up before the demo: left as it is`);
    else if (!cmd.keep) {
      const down = await chainDown(spec, ctx);
      lines.push(`removed ${down.removed.length} things the demo made`);
    } else lines.push(`kept; remove with: chainmail chain down ${DEMO_CHAIN}`);
  }
  return { ok: true, lines, json: { ok: true } };
}
