/**
 * A small driver for end-to-end tests of the full-screen UI: the real
 * program in a real terminal (a detached tmux session), driven by keys and
 * read back from the screen with capture-pane. Sessions are named cmt-* so
 * that scripts/test.sh sweeps them up if a run crashes; tests still kill
 * their own (afterEach/afterAll → kill()).
 *
 * tmux is always called with an argument array (execFile), never through a
 * shell, so text sent with typeText() arrives byte for byte.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, REPO, uniqueName } from './kernel.js';

export const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

export type ScreenPredicate = RegExp | ((screen: string) => boolean);

/**
 * The program runs under a small sh(1) wrapper that, once it ends, prints
 * its exit status and the terminal modes on the screen it left behind,
 *   [exited 0 · tty icanon echo] Enter closes
 * and then waits for Enter, so that the terminal the program gave back can
 * still be inspected (a dead pane's cursor is hidden by tmux itself).
 * Why not `#{pane_dead_status}`: Debian's tmux calls libutempter when a
 * pane's terminal closes, and libutempter sets SIGCHLD to SIG_DFL while its
 * helper runs; a program ending in that window is not reaped (a zombie,
 * pane_dead 1 with an empty pane_dead_status) until some other child exits.
 */
const EXIT_REPORTER = [
  '"$@"',
  'status=$?',
  "modes=\" $(stty -a | tr '\\n;' '  ') \"",
  'case "$modes" in *" -icanon "*) canon=raw ;; *) canon=icanon ;; esac',
  'case "$modes" in *" -echo "*) echoing=noecho ;; *) echoing=echo ;; esac',
  'printf \'\\n[exited %s · tty %s %s] Enter closes\\n\' "$status" "$canon" "$echoing"',
  'read -r _',
].join('\n');

/** The wrapper's report on a screen: `[exited STATUS · tty MODES]`. */
export const EXIT_REPORT = /\[exited (\d+) · tty ([a-z ]+)\] Enter closes/;

export interface TmuxStartOptions {
  /** Terminal size in cells; 120x32 unless given. */
  width?: number;
  height?: number;
  /** What runs in the terminal (under the exit reporter); `bin/chainmail.js` unless given. */
  argv?: readonly string[];
  /** Extra environment for the program. */
  env?: Record<string, string>;
  /** Session name prefix after `cmt-`. */
  prefix?: string;
}

/** `tmux ARGS`, UTF-8 forced (capture-pane must return ✓, ╳, … unmangled); throws with tmux's stderr. */
function tmux(args: readonly string[]): string {
  const r = spawnSync('tmux', ['-u', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`tmux ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

export class TmuxTerminal {
  /** The last screen captured, for failure messages. */
  lastScreen = '';
  private killed = false;

  private constructor(
    readonly session: string,
    /** A private HOME, so the UI's history file does not land in root's home. */
    private readonly home: string,
  ) {}

  /**
   * Starts the program in a new detached session, under the exit reporter.
   * The window keeps its pane once everything in it has ended
   * (remain-on-exit), so the last screen can still be read; the option is set
   * in the same tmux command as the session is made, before anything can exit.
   */
  static start(options: TmuxStartOptions = {}): TmuxTerminal {
    const session = uniqueName(options.prefix ?? 'tui');
    if (!session.startsWith('cmt-')) throw new Error(`bad tmux session name ${session}`);
    const home = mkdtempSync(join(tmpdir(), 'cmt-tui-home-'));
    const program = options.argv ?? [BIN];
    // CI=true as in the project's CI, always: the UI must draw in a terminal even then (scripts/bundle-settings.mjs settles Ink's CI check; src/ui/colour-level.ts)
    const env = { TERM: 'xterm-256color', HOME: home, CI: 'true', ...options.env };
    const term = new TmuxTerminal(session, home);
    try {
      tmux([
        'new-session',
        '-d',
        '-s',
        session,
        '-x',
        String(options.width ?? 120),
        '-y',
        String(options.height ?? 32),
        '-c',
        REPO,
        // env(1) sets the variables for the program itself: tmux would put its
        // own TERM (default-terminal) over a TERM given with new-session -e
        'env',
        ...Object.entries(env).map(([k, v]) => `${k}=${v}`),
        'sh',
        '-c',
        EXIT_REPORTER,
        'sh',
        ...program,
        ';',
        'set-option',
        '-w',
        '-t',
        term.target,
        'remain-on-exit',
        'on',
      ]);
    } catch (err) {
      term.kill();
      throw err;
    }
    return term;
  }

  /** The session's active pane, matched exactly (`=name:`), not as a prefix. */
  get target(): string {
    return `=${this.session}:`;
  }

  /** tmux key names (Enter, Escape, Up, C-c, …) or single characters, each one key. */
  sendKeys(...keys: string[]): void {
    tmux(['send-keys', '-t', this.target, ...keys]);
  }

  /** Literal text, exactly as given (newlines included): like a paste without bracketed-paste markers. */
  typeText(text: string): void {
    tmux(['send-keys', '-t', this.target, '-l', text]);
  }

  /** Literal text, then Enter as a separate key. */
  typeLine(text: string): void {
    this.typeText(text);
    this.sendKeys('Enter');
  }

  /** The visible screen, one string, rows joined by \n (trailing spaces dropped by tmux). */
  capture(): string {
    this.lastScreen = tmux(['capture-pane', '-p', '-t', this.target]).replace(/\n$/, '');
    return this.lastScreen;
  }

  /** The visible screen with its colours and attributes, as SGR escape sequences. */
  captureStyled(): string {
    return tmux(['capture-pane', '-e', '-p', '-t', this.target]).replace(/\n$/, '');
  }

  /** A tmux format (`#{pane_dead}`, `#{alternate_on}`, …) for the pane. */
  display(format: string): string {
    return tmux(['display-message', '-p', '-t', this.target, format]).trim();
  }

  get paneDead(): boolean {
    return this.display('#{pane_dead}') === '1';
  }

  /**
   * Waits until the program has ended; returns the exit status and terminal
   * modes the wrapper reported, and the screen the program left behind. The
   * wrapper keeps the terminal open until closeAfterExit().
   */
  async waitForExit(timeoutMs = 5000): Promise<{ status: number; tty: string; screen: string }> {
    const screen = await this.waitFor(EXIT_REPORT, timeoutMs, 'the program to exit (and the wrapper to report)');
    const [, status, tty] = EXIT_REPORT.exec(screen)!;
    return { status: Number(status), tty: tty!, screen };
  }

  /** After waitForExit(): lets the wrapper end; the pane is then dead (remain-on-exit keeps it). */
  async closeAfterExit(timeoutMs = 3000): Promise<void> {
    this.sendKeys('Enter');
    await this.waitForFormat('#{pane_dead}', (v) => v === '1', timeoutMs);
  }

  /**
   * Polls the screen every 100 ms until it satisfies `predicate`; returns that
   * screen. On timeout, fails with what was awaited and the last screen.
   */
  async waitFor(predicate: ScreenPredicate, timeoutMs = 5000, what?: string): Promise<string> {
    const test = typeof predicate === 'function' ? predicate : (s: string) => predicate.test(s);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.capture();
      let thrown: unknown;
      try {
        if (test(screen)) return screen;
      } catch (err) {
        thrown = err;
      }
      if (Date.now() >= deadline) {
        const label = what ?? (typeof predicate === 'function' ? 'a screen condition' : String(predicate));
        const dead = this.safeDisplay('#{pane_dead} #{pane_dead_status}');
        const because = thrown instanceof Error ? ` (last check threw: ${thrown.message})` : '';
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${label}${because}; pane dead/status: ${dead}\n` + `---- last screen (${this.session}) ----\n${screen}\n----`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the screen has not changed for quietMs (a redraw has finished); returns it. */
  async waitForQuiet(quietMs = 300, timeoutMs = 3000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let screen = this.capture();
    let since = Date.now();
    while (Date.now() - since < quietMs) {
      if (Date.now() >= deadline) throw new Error(`the screen kept changing for ${timeoutMs} ms:\n${screen}`);
      await new Promise((r) => setTimeout(r, 100));
      const next = this.capture();
      if (next !== screen) {
        screen = next;
        since = Date.now();
      }
    }
    return screen;
  }

  /** Polls a tmux format until it satisfies `ok`; returns its value. */
  async waitForFormat(format: string, ok: (value: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = this.display(format);
      if (ok(value)) return value;
      if (Date.now() >= deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting on ${format} (last: "${value}")\n` + `---- last screen (${this.session}) ----\n${this.capture()}\n----`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Resizes the window (and the program's terminal, which gets SIGWINCH). */
  resize(width: number, height: number): void {
    tmux(['resize-window', '-t', this.target, '-x', String(width), '-y', String(height)]);
  }

  /** Kills the session (and the program in it) and removes the private HOME; safe to call twice. */
  kill(): void {
    if (!this.killed) {
      this.killed = true;
      spawnSync('tmux', ['kill-session', '-t', `=${this.session}`], { stdio: 'ignore' });
    }
    rmSync(this.home, { recursive: true, force: true });
  }

  private safeDisplay(format: string): string {
    try {
      return this.display(format);
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }
}

/* ---- reading the screen ---------------------------------------------------- */

/** Terminal cells of a captured line (every character the UI draws is one cell wide). */
export const cells = (line: string): number => [...line].length;

export interface PanelView {
  title: string;
  /** The panel's inside, one string per row below the title, trailing spaces trimmed. */
  rows: string[];
  /** Row of the top border and column of the left border on the screen. */
  top: number;
  left: number;
  width: number;
}

/**
 * The bordered panel whose title (the first row inside it) starts with
 * `titleStart`, as drawn on a captured screen: ╭──╮ / │title│ / … / ╰──╯.
 */
export function panel(screen: string, titleStart: string): PanelView | undefined {
  const lines = screen.split('\n').map((l) => [...l]);
  for (let y = 1; y < lines.length; y++) {
    const line = lines[y]!;
    for (let x = 0; x < line.length; x++) {
      if (line[x] !== '│' || lines[y - 1]![x] !== '╭') continue;
      const topBorder = lines[y - 1]!;
      const right = topBorder.indexOf('╮', x + 1);
      if (right < 0) continue;
      const title = line
        .slice(x + 1, right)
        .join('')
        .trimEnd();
      if (!title.startsWith(titleStart)) continue;
      const rows: string[] = [];
      for (let r = y + 1; r < lines.length && lines[r]![x] !== '╰'; r++)
        rows.push(
          lines[r]!.slice(x + 1, right)
            .join('')
            .trimEnd(),
        );
      return { title, rows, top: y - 1, left: x, width: right - x + 1 };
    }
  }
  return undefined;
}

/**
 * The chain panel's drawing as one string: its rows trimmed and joined, so a
 * chain wrapped onto continuation rows (`[b]` / `   ─link3 …`) reads as one.
 */
export function chainText(screen: string): string {
  const chain = panel(screen, 'chain');
  return chain ? chain.rows.map((r) => r.trim()).join('') : '';
}

/** Rows of the log panel, oldest first. */
export function logRows(screen: string): string[] {
  return panel(screen, 'log')?.rows.filter((r) => r !== '') ?? [];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Filters the targets panel to `name` (`/`, the name, Enter) and waits until
 * its row is the selected one and the filter has closed, whatever else the host holds.
 */
export async function selectByFilter(t: TmuxTerminal, name: string): Promise<void> {
  t.sendKeys('/');
  await t.waitFor((s) => panel(s, 'targets /')?.title === 'targets /█', 3000, 'the targets filter to open');
  t.typeText(name);
  await t.waitFor((s) => panel(s, 'targets /')?.title === `targets /${name}█`, 3000, 'the filter text');
  t.sendKeys('Enter');
  await t.waitFor((s) => filteredSelected(s, name) && !panel(s, `targets /${name}`)!.title.includes('█'), 10_000, `${name} selected`);
}

/** Whether the targets panel, filtered to `name`, shows its row selected. */
export const filteredSelected = (screen: string, name: string): boolean => panel(screen, `targets /${name}`)?.rows.some((r) => r.startsWith(`▸ ${name} `)) === true;
