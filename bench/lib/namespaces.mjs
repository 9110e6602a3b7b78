// The bench's own namespaces (cmt-b*) and chain state files: listing, deleting, and cleaning up after a run.
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { run } from './proc.mjs';

export const PREFIX = 'cmt-b';
const STATE_DIR = '/var/run/chainmail/chains';
/** The tmux session the UI sections run the program in. */
export const TMUX_SESSION = 'cmt-bench-ui';

export function ourNamespaces() {
  const out = run('ip', ['netns', 'list'], { check: false }).stdout || '';
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(PREFIX));
}

/** @param {readonly string[]} names */
export function delNamespaces(names) {
  if (names.length === 0) return;
  const r = run('ip', ['-force', '-batch', '-'], { input: names.map((n) => `netns del ${n}`).join('\n') + '\n', check: false });
  for (const n of ourNamespaces()) if (names.includes(n)) run('ip', ['netns', 'del', n], { check: false });
  return r;
}

/** Everything this harness may have left: the UI's tmux session, namespaces cmt-b*, state files of chains cmt-b*. */
export function cleanupAll() {
  run('tmux', ['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
  delNamespaces(ourNamespaces());
  try {
    for (const f of readdirSync(STATE_DIR)) if (f.startsWith(PREFIX)) rmSync(join(STATE_DIR, f), { force: true });
  } catch {
    /* no state dir */
  }
}
