import { readdirSync, readFileSync } from 'node:fs';
import chalk from 'chalk';
import React from 'react';
import { render } from 'ink';
import { createContext } from '../commands/context.js';
import { App } from './App.js';
import { terminalColourLevel } from './colour-level.js';
import { CommandHistory } from './history.js';
import { Session } from './session.js';
import type { TutorialPlayer } from '../tutorial/runner.js';

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
}

let open = false;

/** Whether this process shows the UI now (a command typed at its prompt must not open another). */
export const isUiOpen = () => open;

export async function runUi(options: UiOptions = {}): Promise<number> {
  chalk.level = terminalColourLevel(process.stdout, process.env);
  const session = new Session(createContext(), options.chainFile);
  const history = new CommandHistory();
  const stdout = process.stdout;
  stdout.write(ENTER_ALTERNATE_SCREEN + HIDE_CURSOR);
  // once the terminal is gone (SIGHUP) writes fail with EIO; cleanup must go on regardless
  stdout.on('error', () => {});
  const restore = () => {
    if (stdout.writable) stdout.write(SHOW_CURSOR + LEAVE_ALTERNATE_SCREEN);
  };
  process.once('exit', restore);
  session.start();
  if (history.error) session.log('bad', `history: ${history.error}`);
  for (const line of options.startLines ?? []) void session.runLine(line);
  const tutorial = options.tutorial?.(session);
  const app = render(React.createElement(App, { session, history, ...(tutorial ? { tutorial } : {}) }), { exitOnCtrlC: false, patchConsole: true, maxFps: 20 });
  open = true;
  // a closed terminal or a kill ends the UI like q does, so callers still clean up (the demo's chain down)
  const end = () => app.unmount();
  const signals = ['SIGHUP', 'SIGTERM', 'SIGINT'] as const;
  for (const s of signals) process.once(s, end);
  try {
    await app.waitUntilExit();
  } finally {
    open = false;
    for (const s of signals) process.off(s, end);
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

export interface ProcessEntry {
  pid: number;
  ppid: number;
  /** Process group. */
  pgrp: number;
}

/**
 * Pure: the processes a quit stops: this process's children in its own
 * process group. Children in a group of their own are meant to outlive the
 * UI or to be waited for (a chain's web servers, batches that must not stop
 * half way: sys/exec.ts ownProcessGroup).
 */
export function childrenToStop(processes: readonly ProcessEntry[], self: { pid: number; pgrp: number }): number[] {
  return processes.filter((p) => p.ppid === self.pid && p.pgrp === self.pgrp).map((p) => p.pid);
}

function readProcess(pid: number): ProcessEntry | undefined {
  try {
    // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const [, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(ppid), pgrp: Number(pgrp) };
  } catch {
    return undefined; // gone meanwhile
  }
}

const STOP_GRACE_MS = 1000;

/** SIGTERM to the children a quit stops; SIGKILL a second later to any still there. */
function stopChildren(): void {
  const self = readProcess(process.pid);
  if (!self) return;
  let processes: ProcessEntry[];
  try {
    processes = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => readProcess(Number(name)) ?? []);
  } catch {
    return;
  }
  const pids = childrenToStop(processes, self);
  const signal = (pid: number, name: NodeJS.Signals) => {
    try {
      process.kill(pid, name);
    } catch { /* gone */ }
  };
  for (const pid of pids) signal(pid, 'SIGTERM');
  if (!pids.length) return;
  setTimeout(() => {
    for (const pid of pids) {
      // still a child of ours: one that ignored SIGTERM
      if (readProcess(pid)?.ppid === process.pid) signal(pid, 'SIGKILL');
    }
  }, STOP_GRACE_MS).unref();
}
