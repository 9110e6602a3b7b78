// The UI's frames, timed in one process: the real App over a real Session (this host's
// namespaces) on an in-memory 160x50 terminal, driven by keys. bench/frames.mjs bundles
// this file (as the program is bundled) and runs it; it prints one JSON line.
import { PassThrough, Writable } from 'node:stream';
import { performance } from 'node:perf_hooks';
import React from 'react';
import { render } from 'ink';
import chalk from 'chalk';
import { App } from '../dist/ui/components/App.js';
import { Session } from '../dist/ui/session/session.js';
import { CommandHistory } from '../dist/ui/history.js';
import { createContext } from '../dist/host/context.js';

const KEYS = Number(process.env.FRAMES_KEYS ?? 40);
const LINKS = Number(process.env.FRAMES_LINKS ?? 49);
/** Keys this far apart each get a frame of their own: Ink draws at most 20 a second here (maxFps, as run-ui.ts). */
const GAP_MS = 150;

// as in tmux with TERM=xterm-256color
chalk.level = 2;
const writes = [];
const stdout = new Writable({
  write(chunk, encoding, done) {
    writes.push(performance.now());
    done();
  },
});
Object.assign(stdout, { columns: 160, rows: 50, isTTY: true });
const stdin = new PassThrough();
Object.assign(stdin, { isTTY: true, setRawMode() {}, ref() {}, unref() {} });

const renderTimes = [];
const session = new Session(createContext());
session.start();
const app = render(React.createElement(App, { session, history: new CommandHistory({ path: null }) }), {
  stdout,
  stdin,
  stderr: new PassThrough(),
  exitOnCtrlC: false,
  patchConsole: false,
  maxFps: 20,
  onRender: ({ renderTime }) => renderTimes.push(renderTime),
});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
for (const t0 = performance.now(); (session.state.topology?.links.length ?? 0) < LINKS;) {
  if (performance.now() - t0 > 20_000) throw new Error(`frames: ${session.state.topology?.links.length ?? 'no'} links on this host after 20 s, not ${LINKS}`);
  await sleep(20);
}
await sleep(2000);

// Down and Up through the targets (the targets and details panels change), then typing at the prompt
const keys = [];
for (let i = 0; i < KEYS; i++) keys.push(i % 20 < 10 ? '\u001b[B' : '\u001b[A');
keys.push(':');
for (let i = 0; i < KEYS; i++) keys.push('abcdefghij'[i % 10]);

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
  if (writes.length === w0) continue;
  latency.push(writes.at(-1) - t0);
  inkRender.push(...renderTimes.slice(r0));
}
app.unmount();
session.stop();
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
console.log(JSON.stringify({ frames: latency.length, key_to_frame_ms: median(latency), ink_render_ms: median(inkRender) }));
process.exit(0);
