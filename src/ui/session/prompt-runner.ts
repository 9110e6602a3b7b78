/**
 * Runs the prompt's lines in this process, one after another in the order
 * given (a paste of several lines builds on itself): the CLI's verbs through
 * the same commands as the CLI, and the prompt's own verbs. Errors are
 * logged exactly as the CLI prints them.
 */
import { ChainmailError, EXIT_USAGE, UsageError } from '../../errors.js';
import type { CommandContext } from '../../host/context.js';
import type { LineCommand, PromptParse } from '../../parse/prompt-command.js';
import { usageOf } from '../../parse/verb-table.js';
import type { Namespace } from '../../targets/namespace.js';
import { runCommand } from '../../verbs/run.js';
import type { BrokenLinks } from './broken-links.js';
import type { CapturePane } from './capture-pane.js';
import type { RefreshScheduler } from './refresh.js';
import type { SessionStore } from './store.js';
import type { Watches } from './watches.js';

/** What a prompt line did: success, and the lines the CLI would have printed. */
export interface LineOutcome {
  ok: boolean;
  lines: string[];
}

/** A prompt command says "running…" once it has taken this long. */
const BUSY_AFTER_MS = 150;
/** How long a prompt command runs undisturbed by reads the kernel's events ask for. */
const COMMAND_START_MS = 300;
/** The longest a command's result waits for the read after it, to be drawn in the same frame. */
const HOLD_RESULT_MAX_MS = 200;

export interface PromptRunnerParts {
  store: SessionStore;
  refresh: RefreshScheduler;
  broken: BrokenLinks;
  watches: Watches;
  captures: CapturePane;
}

export class PromptRunner {
  /** The commands' context: the caller's, noting every namespace a command resolves. */
  readonly ctx: CommandContext;
  private queue: Promise<unknown> = Promise.resolve();
  /** Namespaces the running command resolved: they are read again after it, and only they. */
  private touched = new Map<string, Namespace>();

  constructor(
    ctx: CommandContext,
    private readonly parts: PromptRunnerParts,
  ) {
    this.ctx = {
      ...ctx,
      resolve: async (spec) => {
        const ns = await ctx.resolve(spec);
        this.touched.set(ns.path, ns);
        return ns;
      },
    };
  }

  run(parsed: PromptParse): Promise<LineOutcome> {
    const outcome = this.queue.then(() => this.runOne(parsed));
    this.queue = outcome;
    return outcome;
  }

  private async runOne({ shown, command, error }: PromptParse): Promise<LineOutcome> {
    const { store, watches } = this.parts;
    if (error !== undefined) return this.logError(shown, error);
    if (!command) return { ok: true, lines: [] };
    try {
      switch (command.kind) {
        case 'run':
          return await this.runVerb(command.command, shown);
        case 'watch':
          return { ok: true, lines: [watches.add(command.check, command.target, command.destination)] };
        case 'capture':
          return await this.parts.captures.open(command.command);
        case 'unwatch':
          return { ok: true, lines: [watches.remove(command.which)] };
        case 'clear':
          store.update({ log: [] });
          return { ok: true, lines: [] };
        case 'quit':
          throw new ChainmailError('quit leaves the UI from its prompt (or press q)', EXIT_USAGE);
        case 'shell':
          // the screen hands the terminal over (App); lines run without one (a tutorial's) cannot
          throw new ChainmailError('shell needs the terminal: at the prompt, or s on a target', EXIT_USAGE);
        case 'help': {
          const usage = command.topic !== undefined && usageOf(command.topic) !== undefined ? `usage: ${usageOf(command.topic)}` : undefined;
          if (usage) store.log('info', usage);
          store.log('info', 'press ? for every key and verb');
          return { ok: true, lines: usage ? [usage] : [] };
        }
      }
    } catch (err) {
      return this.logError(shown, err);
    }
  }

  private async runVerb(cmd: LineCommand, shown: string): Promise<LineOutcome> {
    const { store, refresh, broken } = this.parts;
    const started = performance.now();
    // "running…" only for a command that takes a while: a redraw at once would slow a quick one
    const healing = cmd.verb === 'chain' && cmd.action === 'heal';
    const showBusy = setTimeout(() => store.update({ busy: true, healing }), BUSY_AFTER_MS);
    refresh.setQuiet(true);
    const startingOver = setTimeout(() => refresh.setQuiet(false), COMMAND_START_MS);
    this.touched = new Map();
    // a line refused before it reached a target changed nothing: no read of the host after it
    let changedNothing = false;
    let holding = false;
    try {
      const result = await runCommand(cmd, this.ctx);
      // from here the result, and the change it made, are drawn together in one frame
      store.hold();
      holding = true;
      if (cmd.verb === 'koko' && cmd.action === 'delete' && result.ok) {
        const { target, ifname } = result.json as { target?: string; ifname?: string };
        if (target && ifname) broken.deletedOnPurpose(target, ifname);
      }
      const ms = Math.round(performance.now() - started);
      const lines = result.lines.filter(Boolean);
      store.log(result.ok ? 'ok' : 'bad', `${shown}  (${ms} ms)`);
      // ls's table is what the panels show; the log gets its count
      for (const l of cmd.verb === 'ls' ? [lsSummary(result.json)] : lines) store.log('info', `  ${l.replace(/^[✓✗] /, '')}`);
      return { ok: result.ok, lines };
    } catch (err) {
      changedNothing = err instanceof UsageError || (err instanceof ChainmailError && err.exitCode === EXIT_USAGE);
      return this.logError(shown, err);
    } finally {
      clearTimeout(showBusy);
      clearTimeout(startingOver);
      if (!holding) store.hold();
      try {
        store.update({ busy: false, healing: false });
        if (changedNothing) refresh.setQuiet(false);
        else await this.showChange(refresh);
      } finally {
        store.release();
      }
    }
  }

  /**
   * The change is made: shown now rather than when the kernel's events
   * arrive, reading again only the namespaces the command worked on when the
   * UI knows them all.
   */
  private async showChange(refresh: RefreshScheduler): Promise<void> {
    const known = new Set(this.parts.store.state.topology?.targets.map((t) => t.ns.path) ?? []);
    const touched = [...this.touched.values()];
    if (touched.length > 0 && touched.every((ns) => known.has(ns.path))) for (const ns of touched) refresh.mark(ns);
    else refresh.mark();
    await refresh.readAfterChange(HOLD_RESULT_MAX_MS);
  }

  private logError(line: string, err: unknown): LineOutcome {
    const { store } = this.parts;
    store.log('bad', line);
    if (err instanceof ChainmailError) {
      store.log('bad', `  ${err.message}`);
      for (const c of err.context) store.log('info', c);
      return { ok: false, lines: [err.message, ...err.context] };
    }
    const message = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    store.log('bad', `  ${message}`);
    return { ok: false, lines: [message] };
  }
}

/** `ls` in one line for the log: the panels show its table. */
function lsSummary(json: unknown): string {
  const { targets = [], links = [] } = json as { targets?: unknown[]; links?: unknown[] };
  return `${targets.length} target${targets.length === 1 ? '' : 's'}, ${links.length} link${links.length === 1 ? '' : 's'} (the panels show them; ls --json in a shell prints them)`;
}
