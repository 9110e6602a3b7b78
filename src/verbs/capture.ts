/**
 * `chainmail capture TARGET IF [-c N] [-w FILE] [FILTER...]`: the host's
 * tcpdump in the target's network namespace. Everything a user can get wrong
 * (tcpdump missing, an interface the target does not have, a file that
 * cannot be written) is found before tcpdump starts; a failed capture leaves
 * no file it made behind.
 */
import { closeSync, createWriteStream, existsSync, openSync, rmSync } from 'node:fs';
import { ChainmailError, EXIT_FAILED, UsageError } from '../errors.js';
import type { CaptureCommand } from '../parse/capture.js';
import { tcpdumpArgv } from '../plan/capture.js';
import { onFirstSignal } from '../sys/interrupt.js';
import { startStreaming } from '../sys/stream.js';
import { onPath } from '../sys/which.js';
import type { Namespace } from '../targets/namespace.js';
import { readInterfaces } from '../topology/read.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/** Where a running capture's lines go. */
export interface CaptureSink {
  /** One summary line per packet (not called with -w). */
  packet(line: string): void;
  /** tcpdump's own counts at the end ("3 packets captured"). */
  note(line: string): void;
}

export interface CaptureEnd {
  ok: boolean;
  /** tcpdump's reason when it failed, without its "tcpdump: " prefix. */
  error?: string;
}

export interface RunningCapture {
  ns: Namespace;
  /** What is captured, for a heading: `eth0 in netns red (icmp)`. */
  title: string;
  /** Ends tcpdump (which then reports its counts); ended resolves with ok. */
  stop(): void;
  ended: Promise<CaptureEnd>;
}

export const TCPDUMP_MISSING = "tcpdump is not installed: install it to capture (apt-get install tcpdump, or your system's package)";

/** Checks, then starts tcpdump (in `resolved` when the caller knows the namespace already); throws a ChainmailError (exit 2 for what the user typed) and starts nothing when a check fails. */
export async function startCapture(cmd: CaptureCommand, ctx: CommandContext, sink: CaptureSink, resolved?: Namespace): Promise<RunningCapture> {
  const ns = resolved ?? (await ctx.resolve(cmd.target));
  if (onPath('tcpdump') === undefined) throw new ChainmailError(TCPDUMP_MISSING, EXIT_FAILED);
  if (cmd.ifname !== 'any') {
    const names = (await readInterfaces(ns)).map((i) => i.name);
    if (!names.includes(cmd.ifname)) {
      throw new UsageError(`unknown interface "${cmd.ifname}" in ${ns.label} (it has ${names.join(', ') || 'none'})`);
    }
  }
  const out = cmd.file !== undefined ? openPcap(cmd.file) : undefined;
  let stopped = false;
  let error: string | undefined;
  const child = startStreaming(tcpdumpArgv(ns, cmd), {
    onLine: (line) => sink.packet(line),
    ...(out ? { stdoutTo: out.stream } : {}),
    onErrorLine: (line) => {
      if (/^\d+ packets? /.test(line)) sink.note(line);
      else if (line.startsWith('tcpdump: ') && !line.includes('verbose output suppressed')) error = line.slice('tcpdump: '.length);
    },
  });
  const ended = child.ended.then((end): CaptureEnd => {
    const ok = end.exitCode === 0 || (stopped && end.cannotStart === undefined);
    if (!ok && out && !out.existed) rmSync(cmd.file!, { force: true });
    if (ok) return { ok };
    if (end.cannotStart !== undefined && /not installed/.test(end.cannotStart)) return { ok, error: TCPDUMP_MISSING };
    return { ok, error: error ?? end.cannotStart ?? `tcpdump exited with ${end.exitCode}` };
  });
  const filter = cmd.filter.length ? ` (${cmd.filter.join(' ')})` : '';
  return {
    ns,
    title: `${cmd.ifname} in ${ns.label}${filter}`,
    stop: () => {
      stopped = true;
      child.stop();
    },
    ended,
  };
}

/** Opened here, not by tcpdump (which drops root first): a path that cannot be written is refused before tcpdump starts. */
function openPcap(file: string): { stream: NodeJS.WritableStream; existed: boolean } {
  const existed = existsSync(file);
  let fd: number;
  try {
    fd = openSync(file, 'w', 0o644);
  } catch (e) {
    throw new UsageError(`cannot write "${file}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return { stream: createWriteStream('', { fd }), existed };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** The CLI's capture: packet lines on stdout as they come, notes on stderr; Ctrl-C ends it with exit 0. */
export async function runCapture(cmd: CaptureCommand, ctx: CommandContext): Promise<CommandResult> {
  const capture = await startCapture(cmd, ctx, {
    packet: (line) => process.stdout.write(`${line}\n`),
    note: (line) => process.stderr.write(`${line}\n`),
  });
  const stopListening = onFirstSignal(['SIGINT', 'SIGTERM', 'SIGHUP'], () => capture.stop());
  const where = cmd.file !== undefined ? `, writing ${cmd.file}` : '';
  process.stderr.write(`capturing on ${capture.title}${where}; ${cmd.count !== undefined ? `${cmd.count} packets or ` : ''}Ctrl-C stops\n`);
  try {
    const end = await capture.ended;
    if (!end.ok) throw new ChainmailError(`capture on ${capture.title}: ${end.error}`, EXIT_FAILED);
    return { ok: true, lines: [], json: { ok: true, target: capture.ns.label, interface: cmd.ifname, ...(cmd.file !== undefined ? { file: cmd.file } : {}) } };
  } finally {
    stopListening();
  }
}
