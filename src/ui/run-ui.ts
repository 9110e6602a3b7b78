import chalk from 'chalk';
import React from 'react';
import { render } from 'ink';
import { createContext } from '../host/context.js';
import { prepareLongLived, runAttached, stopChildren } from '../sys/exec.js';
import { onFirstSignal } from '../sys/interrupt.js';
import { uiColourLevel } from '../sys/colour.js';
import { App } from './components/App.js';
import { CommandHistory } from './history.js';
import { Session } from './session/session.js';
import type { TutorialPlayer } from '../tutorial/player.js';

const ENTER_ALTERNATE_SCREEN = '\x1b[?1049h\x1b[H';
const LEAVE_ALTERNATE_SCREEN = '\x1b[?1049l';
const HIDE_CURSOR = '\x1b[?25l';
const SHOW_CURSOR = '\x1b[?25h';

/**
 * Opens the full-screen UI. The alternate screen keeps the user's scrollback
 * untouched and lets every frame be drawn in place; it is left again however
 * the UI ends.
 */
export interface UiOptions {
  /** Prompt lines run as soon as the UI is up (e.g. the demo's watches). */
  startLines?: string[];
  /** The chain file the UI was opened on, offered to `heal` at the prompt. */
  chainFile?: string;
  /** A tutorial, made once the session exists: its step pane takes the log panel's place. */
  tutorial?: (session: Session) => TutorialPlayer;
  /** How often the prompt's watches are checked (the demo: about once a second, so traffic shows on its hops). */
  watchEveryMs?: number;
}

export async function runUi(options: UiOptions = {}): Promise<number> {
  chalk.level = uiColourLevel(process.stdout);
  const session = new Session(createContext(), options.chainFile, options.watchEveryMs !== undefined ? { watchEveryMs: options.watchEveryMs } : {});
  const history = new CommandHistory();
  const stdout = process.stdout;
  stdout.write(ENTER_ALTERNATE_SCREEN + HIDE_CURSOR);
  // once the terminal is gone (SIGHUP) writes fail with EIO; cleanup must go on regardless
  stdout.on('error', () => {});
  const restore = () => {
    if (stdout.writable) stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  process.once('exit', restore);
  // the monitors and pingers start after the first read
  void prepareLongLived();
  session.start();
  if (history.error) session.log('bad', `history: ${history.error}`);
  for (const line of options.startLines ?? []) void session.runLine(line);
  const tutorial = options.tutorial?.(session);
  const openShell = (targetWords: readonly string[]) => handTerminalOver([...process.execArgv, process.argv[1]!, 'shell', ...targetWords]);
  const app = render(React.createElement(App, { session, history, openShell, ...(tutorial ? { tutorial } : {}) }), {
    exitOnCtrlC: false,
    patchConsole: true,
    maxFps: 20,
  });
  // a closed terminal or a kill ends the UI like q does, so callers still clean up (the demo's chain down)
  const stopListening = onFirstSignal(['SIGHUP', 'SIGTERM', 'SIGINT'], () => app.unmount());
  try {
    await app.waitUntilExit();
  } finally {
    stopListening();
    // a tutorial's step still running ends (at its next line) while the session can still take it
    await tutorial?.stop();
    session.stop();
    // a prompt command still running (ping -c 50) would keep the process alive, on a
    // screen given back, until it ends: what it runs is stopped
    stopChildren();
    app.cleanup();
    restore();
    process.off('exit', restore);
  }
  return 0;
}

/**
 * Runs this program again (`chainmail shell TARGET`) with the terminal as it
 * was before the UI: the normal screen, the cursor shown, the keyboard in
 * line mode; the UI's screen and raw mode come back when it exits (the App
 * draws its frame again). Returns its exit code.
 */
function handTerminalOver(args: readonly string[]): number {
  const { stdin, stdout } = process;
  const raw = stdin.isTTY && stdin.isRaw;
  if (raw) stdin.setRawMode(false);
  stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  try {
    return runAttached([process.execPath, ...args]);
  } finally {
    stdout.write(ENTER_ALTERNATE_SCREEN + HIDE_CURSOR);
    if (raw) stdin.setRawMode(true);
  }
}
