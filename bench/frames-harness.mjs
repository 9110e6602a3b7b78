// The UI's frames, timed in one process: the real App over a real Session (this host's
// namespaces) on an in-memory 160x50 terminal, driven by keys. bench/frames.mjs bundles
// this file (as the program is bundled) and runs it; it prints one JSON line. It imports
// tsc's output statically (#dist/*, package.json "imports"), so that esbuild bundles the Ink
// patch in; the type check reads src/ for those imports (paths in tsconfig.check.json).
import { PassThrough, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import React from 'react';
import { render } from 'ink';
import chalk from 'chalk';
import { App } from '#dist/ui/components/App.js';
import { Session } from '#dist/ui/session/session.js';
import { CommandHistory } from '#dist/ui/history.js';
import { createContext } from '#dist/host/context.js';
import { median } from './shared.mjs';

const KEYS = Number(process.env.FRAMES_KEYS ?? 40);
const LINKS = Number(process.env.FRAMES_LINKS ?? 49);
/** Keys this far apart each get a frame of their own: Ink draws at most 20 a second here (maxFps, as run-ui.ts). */
const GAP_MS = 150;

// as in tmux with TERM=xterm-256color
chalk.level = 2;
/**
 * A stream in place of a terminal's: Ink reads only isTTY, columns and rows, and calls setRawMode, ref and unref.
 * @param {Writable} stream
 */
function asTerminal(stream) {
  return /** @type {NodeJS.ReadStream & NodeJS.WriteStream} */ (stream);
}

/** @type {number[]} when each write to the terminal came */
const writes = [];
const stdout = asTerminal(
  Object.assign(
    new Writable({
      write(_chunk, _encoding, done) {
        writes.push(performance.now());
        done();
      },
    }),
    { columns: 160, rows: 50, isTTY: true },
  ),
);
const stdin = asTerminal(Object.assign(new PassThrough(), { isTTY: true, setRawMode() {}, ref() {}, unref() {} }));

/** @type {number[]} */
const renderTimes = [];
const session = new Session(createContext());
session.start();
const app = render(React.createElement(App, { session, history: new CommandHistory({ path: null }) }), {
  stdout,
  stdin,
  stderr: asTerminal(new PassThrough()),
  exitOnCtrlC: false,
  patchConsole: false,
  maxFps: 20,
  onRender: ({ renderTime }) => renderTimes.push(renderTime),
});
const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));
for (const t0 = performance.now(); (session.state.topology?.links.length ?? 0) < LINKS;) {
  if (performance.now() - t0 > 20_000) throw new Error(`frames: ${session.state.topology?.links.length ?? 'no'} links on this host after 20 s, not ${LINKS}`);
  await sleep(20);
}
await sleep(2000);

// Down and Up through the targets (the targets and details panels change), then typing at the prompt
const keys = [];
for (let i = 0; i < KEYS; i++) keys.push(i % 20 < 10 ? '\u001b[B' : '\u001b[A');
keys.push(':');
for (let i = 0; i < KEYS; i++) keys.push('abcdefghij'.charAt(i % 10));

const latency = [];
const inkRender = [];
for (const key of keys) {
  await sleep(GAP_MS);
  const w0 = writes.length;
  const r0 = renderTimes.length;
  const t0 = performance.now();
  stdin.write(key);
  for (const end = t0 + 1000; writes.length === w0 && performance.now() < end;) await new Promise((resolve) => setImmediate(resolve));
  await sleep(30); // the rest of the frame's writes
  const last = writes.length > w0 ? writes.at(-1) : undefined;
  if (last === undefined) continue;
  latency.push(last - t0);
  inkRender.push(...renderTimes.slice(r0));
}
app.unmount();
session.stop();
console.log(JSON.stringify({ frames: latency.length, key_to_frame_ms: median(latency), ink_render_ms: median(inkRender) }));
process.exit(0);
