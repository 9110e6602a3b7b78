/**
 * `chainmail batch FILE|-`: prompt lines run in this one process, in order,
 * sharing one context (one Docker client, one start of Node). Every line is
 * checked before the first runs; a line that fails stops the batch with
 * FILE:LINE: and that line's exit code, unless --force goes on.
 */
import { readFileSync } from 'node:fs';
import { ChainmailError, EXIT_FAILED, EXIT_USAGE } from '../errors.js';
import { planBatch, type BatchLine } from '../parse/batch.js';
import { groupRuns } from '../plan/batch-group.js';
import type { GroupLineResult } from './batch-group.js';
import type { LineCommand } from '../parse/prompt-command.js';
import type { BatchCommand } from '../parse/verbs.js';
import { readInputFile } from '../sys/input-file.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export type LineRun = (cmd: LineCommand, ctx: CommandContext) => Promise<CommandResult>;

/** Where a batch writes as it goes: each line's output, and the errors of failed lines. */
export interface BatchOutput {
  out(line: string): void;
  err(line: string): void;
}

const PROCESS_OUTPUT: BatchOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

interface LineReport {
  line: number;
  text: string;
  ok: boolean;
  exitCode: number;
  /** The line's own --json value, when it ran. */
  result?: unknown;
  error?: string;
}

export async function runBatch(cmd: BatchCommand, ctx: CommandContext, run: LineRun, output: BatchOutput = PROCESS_OUTPUT): Promise<CommandResult> {
  const name = cmd.file === '-' ? '(stdin)' : cmd.file;
  const plan = planBatch(cmd.file === '-' ? readStdin() : readInputFile(cmd.file, 'batch'));
  const firstBad = plan.lines.find((l) => l.error);
  if (firstBad && !cmd.force) {
    // nothing has run yet: say so, and where
    throw located(name, firstBad, firstBad.error!, ['  nothing was run (the whole file is checked first; --force runs the other lines)']);
  }
  const started = performance.now();
  const reports: LineReport[] = [];
  const alone = async (line: BatchLine): Promise<boolean> => {
    const report = await runLine(name, line, ctx, run, output, cmd.json, reports.filter((r) => r.ok).length);
    reports.push(report);
    return report.ok || cmd.force;
  };
  const doneInGroup = (line: BatchLine, result: GroupLineResult) => {
    if (!cmd.json) for (const l of result.lines) output.out(l);
    reports.push({ line: line.lineNo, text: line.text.trim(), ok: true, exitCode: 0, result: result.json });
  };
  // consecutive koko, koro and forward lines run as a group (plan/batch-group.ts); the others one by one
  const runs = new Map(groupRuns(plan.lines.map((l) => (l.error ? undefined : l.command))).map((r) => [r.start, r.end]));
  for (let i = 0; i < plan.lines.length;) {
    const end = runs.get(i);
    if (end !== undefined) {
      const { runGroup } = await import('./batch-group.js');
      if (!(await runGroup(plan.lines.slice(i, end), ctx, alone, doneInGroup))) break;
      i = end;
    } else {
      if (!(await alone(plan.lines[i]!))) break;
      i += 1;
    }
  }
  const failed = reports.filter((r) => !r.ok);
  const stoppedAt = !cmd.force ? failed[0] : undefined;
  const ms = Math.round(performance.now() - started);
  const summary = stoppedAt
    ? `batch ${name}: stopped at line ${stoppedAt.line}; ${reports.length - 1} of ${plan.lines.length} lines ran before it (${ms} ms)`
    : failed.length
      ? `batch ${name}: ${failed.length} of ${plan.lines.length} lines failed (lines ${failed.map((f) => f.line).join(', ')}; ${ms} ms)`
      : `batch ${name}: ${plan.lines.length} lines ok (${ms} ms)`;
  const exitCode = stoppedAt ? stoppedAt.exitCode : failed.length ? EXIT_FAILED : 0;
  return {
    ok: failed.length === 0,
    exitCode,
    lines: [summary],
    json: { file: name, ok: failed.length === 0, exitCode, ms, ...(plan.endsAt !== undefined ? { endedAtLine: plan.endsAt } : {}), lines: reports },
  };
}

async function runLine(name: string, line: BatchLine, ctx: CommandContext, run: LineRun, output: BatchOutput, json: boolean, ranBefore: number): Promise<LineReport> {
  const base = { line: line.lineNo, text: line.text.trim() };
  try {
    if (line.error) throw line.error;
    const result = await run(line.command!, ctx);
    const lines = result.lines.filter((l) => l !== '');
    // with --json, stdout carries only the one value at the end
    if (!json) for (const l of lines) output.out(l);
    if (!result.ok) {
      output.err(`chainmail: ${name}:${line.lineNo}: ${base.text}: failed`);
      return { ...base, ok: false, exitCode: EXIT_FAILED, result: result.json, error: 'failed' };
    }
    return { ...base, ok: true, exitCode: 0, result: result.json };
  } catch (err) {
    const e = err instanceof ChainmailError ? err : new ChainmailError(`internal error: ${err instanceof Error ? err.message : String(err)}`, 70);
    const shown = located(name, line, ranBefore > 0 ? ofThisLine(e, ranBefore) : e);
    output.err(`chainmail: ${shown.message}`);
    for (const c of shown.context) output.err(c);
    return { ...base, ok: false, exitCode: e.exitCode, error: shown.message };
  }
}

/** A line's "nothing was changed" speaks of that line: the lines before it ran, and a batch does not undo them. */
function ofThisLine(err: ChainmailError, ranBefore: number): ChainmailError {
  if (!/nothing was changed/.test(err.message)) return err;
  const rest = `${ranBefore} line${ranBefore === 1 ? '' : 's'} before it ran and stay`;
  return new ChainmailError(err.message.replace(/nothing was changed/, `this line changed nothing (the ${rest})`), err.exitCode, err.context);
}

/** The error of a line, led by FILE:LINE: as compilers and chain files do. */
function located(name: string, line: BatchLine, err: ChainmailError, extra: readonly string[] = []): ChainmailError {
  return new ChainmailError(`${name}:${line.lineNo}: ${err.message}`, err.exitCode, [...err.context, ...extra]);
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (err) {
    throw new ChainmailError(`cannot read the batch from standard input: ${err instanceof Error ? err.message : String(err)}`, EXIT_USAGE);
  }
}
