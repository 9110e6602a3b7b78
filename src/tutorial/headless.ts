/**
 * Playing a tutorial without a terminal (`chainmail tutorial` not in a TTY):
 * the setup, every step and the cleanup, printed one after the other.
 */
import type { Tutorial } from './model.js';
import { realSleep, runStep, safely, setupFileOf, setupLines, type LineOutcome, type LineResult, type LineRunner, type RunOptions } from './runner.js';
import { wrapText } from './text.js';

export interface HeadlessOptions extends RunOptions {
  /** Leave what the tutorial made. */
  keep: boolean;
  /** A pause between steps (for watching along); none by default. */
  delayMs?: number;
  width?: number;
}

export interface HeadlessReport {
  ok: boolean;
  /** 1-based numbers of the steps that failed. */
  failed: number[];
  /** Set when the setup failed (then no step ran). */
  setupFailed?: boolean;
  /** Set when cancelled (a signal) before the end. */
  interrupted?: boolean;
  summary: string;
}

/**
 * Plays the whole tutorial, writing as it goes: the setup, each step (title,
 * text, `$ line` and what it printed, the check), the cleanup (unless keep).
 * A failed check marks its step failed and the tutorial goes on to the end.
 */
export async function playHeadless(t: Tutorial, runLine: LineRunner, write: (line: string) => void, options: HeadlessOptions): Promise<HeadlessReport> {
  const width = options.width ?? 80;
  const sleep = options.sleep ?? realSleep;
  const setupFile = setupFileOf(t);
  write(`tutorial ${t.name}: ${t.title}`);
  if (t.intro) for (const l of wrapText(t.intro, width)) write(l);
  write('');
  const failed: number[] = [];
  let setupFailed = false;
  try {
    for (const line of setupLines(t)) {
      const r = await printLine('setup', line, runLine, write);
      if (!r.ok) {
        setupFailed = true;
        break;
      }
    }
    if (setupLines(t).length) write('');
    if (!setupFailed) {
      for (const [i, step] of t.steps.entries()) {
        if (i > 0 && options.delayMs) await sleep(options.delayMs);
        if (options.cancelled?.()) break;
        write(`step ${i + 1}/${t.steps.length}: ${step.title}`);
        for (const l of wrapText(step.text, width - 2)) write(l ? `  ${l}` : '');
        let printed = 0;
        const outcome = await runStep(step, runLine, setupFile, {
          ...options,
          onChange: (o) => {
            // each line is printed once it has run
            while (printed < o.lines.length && (o.lines[printed]!.state === 'ok' || o.lines[printed]!.state === 'failed')) {
              writeLine(o.lines[printed]!, write);
              printed++;
            }
          },
        });
        if (outcome.state === 'pending') {
          write('  interrupted');
          break;
        }
        if (outcome.check) {
          const c = outcome.check;
          write(`  check: ${c.description}: ${c.state === 'ok' ? 'ok' : 'FAILED'}${c.detail ? `  (${c.detail})` : ''}`);
        } else if (outcome.state === 'failed') write('  a command of this step failed');
        if (outcome.state !== 'ok') failed.push(i + 1);
        write('');
      }
    }
  } finally {
    if (options.keep) {
      write(`kept what the tutorial made (--keep)${t.cleanup.length ? `; remove it with: ${t.cleanup.map((l) => `chainmail ${l}`).join(' && ')}` : ''}`);
    } else {
      for (const line of t.cleanup) await printLine('cleanup', line, runLine, write);
    }
  }
  const interrupted = options.cancelled?.() === true;
  const summary = setupFailed
    ? `tutorial ${t.name}: the setup failed; no step ran`
    : interrupted
      ? `tutorial ${t.name}: interrupted${failed.length ? ` (step ${failed.join(', ')} failed before)` : ''}`
      : failed.length
        ? `tutorial ${t.name}: ${failed.length} of ${t.steps.length} steps failed (step ${failed.join(', ')})`
        : `tutorial ${t.name}: all ${t.steps.length} steps ok`;
  return {
    ok: !setupFailed && !interrupted && failed.length === 0,
    failed,
    ...(setupFailed ? { setupFailed } : {}),
    ...(interrupted ? { interrupted } : {}),
    summary,
  };
}

async function printLine(what: string, line: string, runLine: LineRunner, write: (l: string) => void): Promise<LineResult> {
  write(`${what}: ${line}`);
  const r = await safely(runLine, line);
  for (const [i, l] of r.lines.entries()) write(`  ${i === 0 && !r.ok && !/^[✓✗]/.test(l) ? '✗ ' : ''}${l}`);
  return r;
}

function writeLine(l: LineOutcome, write: (line: string) => void): void {
  write(`  $ ${l.line}`);
  for (const [i, out] of l.lines.entries()) write(`    ${i === 0 && l.state === 'failed' && !/^[✓✗]/.test(out) ? '✗ ' : ''}${out}`);
}
