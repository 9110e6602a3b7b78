/**
 * The UI's `c` in a real terminal (tmux): on a target selected in the
 * targets panel, c opens the capture pane on its first link; a ping across
 * that link (between this test's own namespaces) shows up as tcpdump's ICMP
 * summary lines in the pane; Esc closes the pane and stops tcpdump, so none
 * is left in the namespace. The component test (test/unit/ui-capture-pane)
 * covers the pane's drawing; this one the real program, key to kernel.
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { chainmail, isRoot, Scratch } from '../support/kernel.js';
import { escapeRegExp as re, hasTmux, panel, filteredSelected, selectByFilter, TmuxTerminal } from '../support/tmux.js';

const scratch = new Scratch();
let term: TmuxTerminal | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await scratch.cleanup();
});

/** Pids of tcpdump processes whose network namespace is ns's (pgrep, then each one's /proc/PID/ns/net). */
function tcpdumpsIn(ns: string): number[] {
  const inode = statSync(`/var/run/netns/${ns}`).ino;
  const r = spawnSync('pgrep', ['-x', 'tcpdump'], { encoding: 'utf8' });
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map(Number)
    .filter((pid) => {
      try {
        return statSync(`/proc/${pid}/ns/net`).ino === inode;
      } catch {
        return false; // ended meanwhile
      }
    });
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe.skipIf(!isRoot)('the UI’s c key: capture on a hop, in a terminal', () => {
  it('streams the ICMP of a ping across the hop into the capture pane; Esc closes it and stops tcpdump', async () => {
    expect(hasTmux, 'tmux must be installed (scripts/install-deps.sh installs it)').toBe(true);
    const a = scratch.netns('ctua');
    const b = scratch.netns('ctub');
    const made = chainmail(['koko', '-n', `${a},ab,10.83.1.1/24`, '-n', `${b},ba,10.83.1.2/24`]);
    expect(made.code, made.stderr).toBe(0);

    const t = TmuxTerminal.start({ width: 120, height: 32, prefix: 'ctui' });
    term = t;
    await t.waitFor(/^ chainmail .*netns \d+/, 10_000, 'the UI to start');
    await selectByFilter(t, b);
    const selected = (s: string) => filteredSelected(s, b);
    expect(tcpdumpsIn(b)).toEqual([]);

    t.sendKeys('c');
    const title = `capture ba in ${b}`;
    await t.waitFor((s) => panel(s, title)?.title.includes('running') === true, 10_000, 'the capture pane, running');
    expect(tcpdumpsIn(b)).toHaveLength(1);

    // traffic across the hop: a to b, from the test's own namespace to its other one
    scratch.spawnIn(a, ['ping', '-n', '-q', '-i', '0.2', '-c', '50', '10.83.1.2']);
    // the pane cuts lines to its width ("ICMP echo req…"): the addresses and ICMP echo say enough
    const request = /10\.83\.1\.1 > 10\.83\.1\.2: ICMP echo/;
    const reply = /10\.83\.1\.2 > 10\.83\.1\.1: ICMP echo/;
    const both = (s: string) => {
      const rows = panel(s, title)?.rows ?? [];
      return rows.some((r) => request.test(r)) && rows.some((r) => reply.test(r));
    };
    await t.waitFor(both, 10_000, 'ICMP echo lines both ways in the capture pane');

    t.sendKeys('Escape');
    const closed = await t.waitFor((s) => panel(s, 'capture ') === undefined && panel(s, 'log') !== undefined, 5000, 'the capture pane closed, the log back');
    expect(closed).not.toMatch(new RegExp(re(title)));
    expect(await until(() => tcpdumpsIn(b).length === 0, 5000), `tcpdump left in ${b}: ${tcpdumpsIn(b).join(' ')}`).toBe(true);

    // the UI goes on taking keys: the selection is where it was, q quits cleanly
    expect(selected(t.capture())).toBe(true);
    t.sendKeys('q');
    const end = await t.waitForExit(10_000);
    expect(end.status).toBe(0);
    expect(tcpdumpsIn(b)).toEqual([]);
  });
});
