/**
 * One command in many network namespaces, from a few processes. Starting a
 * child holds this process for a moment (the fork of a large program), and a
 * verb over a chain of a thousand nodes would start a thousand or two; here
 * a few helpers (fan-out.sh, a fixed script run as an argument array) each
 * enter their share of the namespaces one after the other, and
 * the results come back one per namespace, as `run` gives them.
 *
 * A named namespace's ip runs as `ip -n NAME`, one program; anything else,
 * or in a namespace known by its file only (a container's), through
 * `nsenter --net`, not `ip netns exec`, which also gives each process a mount
 * namespace and a /sys of its own. No more namespaces than helpers are
 * entered directly, without a helper.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { run, type ExecResult } from './exec.js';
import { dealItems, itemLine, splitDelimited, unsafeItemPath, type DelimitedSection } from './fan-out-output.js';

/** Beside this module in the sources, in dist/ and in the bundle (scripts/bundle.mjs copies it). */
const HELPER = fileURLToPath(new URL('./fan-out.sh', import.meta.url));

/** Helpers at once: both cores busy while one of them waits on the kernel. */
const HELPERS = 4;
/** How long each namespace's command may take by default, as `run` allows one. */
const DEFAULT_TIMEOUT_MS = 15_000;

export interface FanOutItem {
  /** The file that opens the network namespace (/var/run/netns/NAME, /proc/PID/ns/net). */
  path: string;
  /** Its `ip netns` name, if it has one: its ip then runs as `ip -n NAME` (a Namespace carries it). */
  netnsName?: string;
  /** This namespace's own standard input for the command (an `ip -batch -` script). */
  input?: string;
}

export interface FanOutOptions {
  /** Standard input for the command in every namespace without an input of its own. */
  input?: string;
  /** How long one namespace's command may take; a helper is given that for each of its namespaces. */
  timeoutMs?: number;
  /** The helpers in a process group of their own: Ctrl-C at the terminal does not stop a batch half way (exec.ts). */
  ownProcessGroup?: boolean;
  /** Helpers at most (tests). */
  helpers?: number;
}

/**
 * Runs `nsenter --net=PATH -- ARGV` for every item and gives each item's
 * result, in the items' order: its own exit code, standard output and
 * standard error, whole, with argv naming its namespace. A namespace that
 * cannot be entered (gone meanwhile) fails alone, with nsenter's words.
 */
export async function runInEach(argv: readonly string[], items: readonly FanOutItem[], options: FanOutOptions = {}): Promise<ExecResult[]> {
  if (items.length === 0) return [];
  const argvOf = (item: FanOutItem) => argvIn(argv, item);
  const results: Array<ExecResult | undefined> = items.map((item) =>
    unsafeItemPath(item.path)
      ? { argv: argvOf(item), exitCode: 1, stdout: '', stderr: `nsenter: cannot open ${JSON.stringify(item.path)}: not a usable path` }
      : undefined,
  );
  const pending = items.flatMap((_, i) => (results[i] ? [] : [i]));
  const helpers = options.helpers ?? HELPERS;
  if (pending.length <= helpers) {
    // no more namespaces than helpers: each helper would enter one, so the command is started in each directly
    await Promise.all(pending.map(async (i) => (results[i] = await runDirect(argvOf(items[i]!), items[i]!.input ?? options.input, options))));
    return results.map((r) => r!);
  }
  const needsInput = options.input !== undefined || items.some((i) => i.input !== undefined);
  const dir = needsInput ? await mkdtemp(join(tmpdir(), 'chainmail-fan-out-')) : undefined;
  try {
    const inputs = dir ? await writeInputs(dir, items, options.input) : items.map(() => '/dev/null');
    // node:crypto loaded here, not with the module: a few namespaces never come this way
    const { randomBytes } = await import('node:crypto');
    const mark = `chainmail-fan-out-${randomBytes(12).toString('hex')}`;
    const perItemMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    // ip's arguments alone in ip mode: the helper runs `ip -n NAME ...` for a named namespace (fan-out.sh)
    const ipMode = argv[0] === 'ip';
    const helperCommand = ipMode ? ['ip', ...argv.slice(1)] : ['any', ...argv];
    await Promise.all(
      dealItems(pending.length, helpers).map(async (slice) => {
        const indexes = slice.map((k) => pending[k]!);
        // /bin/sh by its path, so a `sh` earlier on PATH cannot stand in for it
        const r = await run(['/bin/sh', HELPER, mark, ...helperCommand], {
          input: indexes.map((i) => itemLine(i, inputs[i]!, items[i]!.path, ipMode ? items[i]!.netnsName : undefined)).join(''),
          // a hang guard for the whole share: one namespace's allowance, and a second for each
          timeoutMs: perItemMs + 1000 * indexes.length,
          ...(options.ownProcessGroup ? { ownProcessGroup: true } : {}),
        });
        const out = splitDelimited(r.stdout, mark);
        const err = splitDelimited(r.stderr, mark);
        const errOf = new Map(err.sections.map((s) => [s.index, s]));
        for (const s of out.sections) results[s.index] = sectionResult(argvOf(items[s.index]!), s, errOf.get(s.index));
        // those it did not reach: the helper was stopped or could not start
        const unfinished = indexes.filter((i) => !results[i]);
        for (const [n, i] of unfinished.entries()) {
          const said = n === 0 ? [out.rest, err.rest] : ['', r.failure ?? ''];
          const failure = r.failure ?? `the fan-out helper ended (exit code ${r.exitCode}) before it was done`;
          results[i] = {
            argv: argvOf(items[i]!),
            exitCode: r.exitCode > 0 ? r.exitCode : 127,
            stdout: withoutFinalNewline(said[0]!),
            stderr: withoutFinalNewline(said[1] || failure),
            failure,
            ...(r.cannotStart ? { cannotStart: true as const } : {}),
          };
        }
      }),
    );
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
  return results.map((r) => r!);
}

/** The command in the namespace at `path`: a named namespace's `ip` as `ip -n NAME`, one program started rather than two (as targets/namespace.ts's ipIn); any other through nsenter. */
function argvIn(argv: readonly string[], item: FanOutItem): string[] {
  if (argv[0] === 'ip' && item.netnsName !== undefined) return ['ip', '-n', item.netnsName, ...argv.slice(1)];
  return ['nsenter', `--net=${item.path}`, '--', ...argv];
}

function runDirect(argv: string[], input: string | undefined, options: FanOutOptions): Promise<ExecResult> {
  return run(argv, {
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(input !== undefined ? { input } : {}),
    ...(options.ownProcessGroup ? { ownProcessGroup: true } : {}),
  });
}

/** Each item's input as a file of its own (the shared one once), in the private directory. */
async function writeInputs(dir: string, items: readonly FanOutItem[], shared: string | undefined): Promise<string[]> {
  const sharedFile = join(dir, 'shared');
  if (shared !== undefined) await writeFile(sharedFile, shared, { mode: 0o600 });
  return Promise.all(
    items.map(async (item, i) => {
      if (item.input === undefined) return shared !== undefined ? sharedFile : '/dev/null';
      const file = join(dir, String(i));
      await writeFile(file, item.input, { mode: 0o600 });
      return file;
    }),
  );
}

function sectionResult(argv: string[], out: DelimitedSection, err: DelimitedSection | undefined): ExecResult {
  return { argv, exitCode: out.status, stdout: withoutFinalNewline(out.text), stderr: withoutFinalNewline(err?.text ?? '') };
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
}
