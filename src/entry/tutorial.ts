import { ChainmailError } from '../errors.js';
import type { TutorialCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { chainDown } from '../chain/apply.js';
import { builtinNames, BUILTIN_DIR, loadTutorial, resolveTutorialPath } from '../tutorial/file.js';
import { commandLineRunner } from '../verbs/line-runner.js';
import { playHeadless } from '../tutorial/headless.js';
import { TutorialPlayer } from '../tutorial/player.js';
import { setupFileOf, setupLines, type LineRunner } from '../tutorial/runner.js';
import type { Tutorial } from '../tutorial/model.js';
import { join } from 'node:path';
import type { CommandContext, CommandResult } from '../host/context.js';
import { onFirstSignal } from '../sys/interrupt.js';

const AUTO_DELAY_MS = 1500;

/**
 * `tutorial NAME|FILE`: in a terminal, the UI with the step pane (Enter runs
 * a step, n/p move; --auto plays them all); without one, every step printed
 * with what it ran and whether its check held, failing if one did not.
 * What the tutorial made is removed at the end unless --keep.
 */
export async function runTutorial(cmd: TutorialCommand, ctx: CommandContext): Promise<CommandResult> {
  if (cmd.tutorial === undefined) return listBuiltins();
  const tutorial = loadTutorial(resolveTutorialPath(cmd.tutorial));
  const terminal = process.stdout.isTTY === true && process.stdin.isTTY === true;
  const lines = commandLineRunner(ctx);
  const leftovers = await removeLeftovers(tutorial, ctx);
  if (!terminal) {
    if (leftovers) process.stdout.write(`${leftovers}\n`);
    // Ctrl-C or a CI timeout's SIGTERM: stop at the next line and still clean up (a second one ends at once)
    let interrupted = false;
    const stopListening = onFirstSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], () => {
      interrupted = true;
    });
    try {
      const report = await playHeadless(tutorial, lines, (l) => process.stdout.write(`${l}\n`), {
        keep: cmd.keep,
        cancelled: () => interrupted,
        ...(cmd.delayMs !== undefined ? { delayMs: cmd.delayMs } : {}),
      });
      return { ok: report.ok, lines: [report.summary], json: report };
    } finally {
      stopListening();
    }
  }
  return inTheUi(tutorial, cmd, lines, leftovers);
}

function listBuiltins(): CommandResult {
  const tutorials = builtinNames().map((name) => loadTutorial(join(BUILTIN_DIR, `${name}.yaml`)));
  const width = Math.max(0, ...tutorials.map((t) => t.name.length));
  return {
    ok: true,
    lines: [
      'built-in tutorials:',
      ...tutorials.map((t) => `  ${t.name.padEnd(width)}  ${t.title} (${t.steps.length} steps)`),
      'run one with: chainmail tutorial NAME [--auto] [--keep]   (or a file of your own: chainmail tutorial ./FILE.yaml)',
    ],
    json: tutorials.map((t) => ({ name: t.name, title: t.title, steps: t.steps.length, file: t.file })),
  };
}

/** A tutorial starts from scratch: what an earlier --keep run of it left is taken down first. */
async function removeLeftovers(tutorial: Tutorial, ctx: CommandContext): Promise<string | undefined> {
  const file = setupFileOf(tutorial);
  if (!file) return undefined;
  const down = await chainDown(loadChainFile(file), ctx);
  return down.removed.length ? `removed what an earlier run left: ${down.removed.join(', ')}` : undefined;
}

async function inTheUi(tutorial: Tutorial, cmd: TutorialCommand, lines: LineRunner, leftovers: string | undefined): Promise<CommandResult> {
  const out: string[] = leftovers ? [leftovers] : [];
  // the setup runs before the UI opens, so a failure is plain to read
  for (const line of setupLines(tutorial)) {
    const r = await lines(line);
    if (!r.ok) {
      const cleaned = cmd.keep ? [] : await cleanUp(tutorial, lines);
      throw new ChainmailError(`tutorial ${tutorial.name}: the setup failed at: ${line}`, 1, [...r.lines.map((l) => `  ${l}`), ...cleaned]);
    }
  }
  let player: TutorialPlayer | undefined;
  try {
    const { runUi } = await import('../ui/run-ui.js');
    await runUi({
      ...(setupFileOf(tutorial) ? { chainFile: setupFileOf(tutorial)! } : {}),
      tutorial: (session) => {
        // each step's lines run at the session, in order with anything typed at the prompt, as if typed
        player = new TutorialPlayer(tutorial, (line) => session.runLine(line));
        if (cmd.auto) void player.autoPlay(cmd.delayMs ?? AUTO_DELAY_MS);
        return player;
      },
    });
  } finally {
    // a step still running finishes before anything is taken down
    await player?.stop();
    if (cmd.keep)
      out.push(`kept what the tutorial made (--keep)${tutorial.cleanup.length ? `; remove it with: ${tutorial.cleanup.map((l) => `chainmail ${l}`).join(' && ')}` : ''}`);
    else out.push(...(await cleanUp(tutorial, lines)));
  }
  const ran = player?.finishedSteps() ?? 0;
  const failed = player?.failedSteps() ?? [];
  out.push(
    failed.length
      ? `tutorial ${tutorial.name}: step ${failed.join(', ')} failed (${ran} of ${tutorial.steps.length} steps ran)`
      : `tutorial ${tutorial.name}: ${ran} of ${tutorial.steps.length} steps ran, all ok`,
  );
  return { ok: failed.length === 0, lines: out, json: { name: tutorial.name, ran, failed } };
}

async function cleanUp(tutorial: Tutorial, lines: LineRunner): Promise<string[]> {
  const out: string[] = [];
  for (const line of tutorial.cleanup) {
    const r = await lines(line);
    out.push(`cleanup: ${line}`, ...r.lines.map((l) => `  ${l}`));
  }
  return out;
}
