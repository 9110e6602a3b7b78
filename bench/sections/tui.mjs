// tui: the real UI in tmux over a 50-node chain: the first frame with the whole chain drawn, CPU
// (its own and its children's) and RSS over an idle spell, and the prompt: Enter on a `koko` line
// until the new interface's row shows, against one key typed at the prompt until it shows.
// BENCH_IDLE_SECONDS (30) is how long each run watches the idle UI; BENCH_TUI_RUNS (2) how many runs per bin.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from '../shared.mjs';
import { cm, runsOf } from '../lib/bins.mjs';
import { chainYaml, scaleChain } from '../lib/chains.mjs';
import { PREFIX, TMUX_SESSION, delNamespaces } from '../lib/namespaces.mjs';
import { r1, run, tenth } from '../lib/proc.mjs';
import { floorRow, ratio } from '../lib/section.mjs';

/**
 * @typedef {import('../lib/bins.mjs').Figure} Figure
 * @typedef {{
 *   nodes: number, first_frame_ms: Figure, first_paint_ms: Figure, idle_cpu_pct: Figure, idle_seconds: number, rss_mb: Figure,
 *   prompt_samples: number[], prompt_ms: Figure, echo_samples: number[], echo_ms: Figure,
 * }} TuiRun one run of the UI
 */

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const RUNS = Number(process.env.BENCH_TUI_RUNS ?? 2);

const tmux = (/** @type {readonly string[]} */ args, /** @type {{ check?: boolean } | undefined} */ opts = undefined) => run('tmux', ['-u', ...args], opts);
const capture = () => tmux(['capture-pane', '-p', '-t', `=${TMUX_SESSION}:`], { check: false }).stdout || '';

/** @param {number} pid */
function procStat(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime stime cutime cstime are fields 14-17 (1-based) of the whole line: 11-14 after the name
  const ticks = fields
    .slice(11, 15)
    .map(Number)
    .reduce((a, b) => a + b, 0);
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  return { ticks, rssKb };
}

/** @param {(screen: string) => boolean} pred @param {number} ms @param {string} what */
async function waitScreen(pred, ms, what) {
  const t0 = performance.now();
  for (;;) {
    const screen = capture();
    if (pred(screen)) return performance.now() - t0;
    if (performance.now() - t0 > ms) {
      const dead = tmux(['display-message', '-p', '-t', `=${TMUX_SESSION}:`, '#{pane_dead} #{pane_dead_status}'], { check: false }).stdout.trim();
      throw new Error(`ui: timed out waiting for ${what} (pane dead/status: ${dead}):\n${screen}`);
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

const headerLinks = (/** @type {string} */ screen) => Number(/ links (\d+)/.exec(screen.split('\n')[0] ?? '')?.[1] ?? NaN);

/** @param {string} dir @param {{ idleSeconds: number }} opts @param {import('../lib/bins.mjs').Bin} bin @returns {Promise<TuiRun>} */
async function measureTui(dir, { idleSeconds }, bin) {
  const c = scaleChain(50, 'u');
  const file = join(dir, 'tui.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  const [pa, pb] = [`${PREFIX}-pa`, `${PREFIX}-pb`];
  run('ip', ['netns', 'add', pa]);
  run('ip', ['netns', 'add', pb]);
  const home = mkdtempSync(join(tmpdir(), 'cmt-bench-home-'));
  tmux(['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
  try {
    const t0 = performance.now();
    // the pane stays after the program ends, so a crash is seen (and said) instead of an empty screen
    tmux([
      'new-session',
      '-d',
      '-s',
      TMUX_SESSION,
      '-x',
      '160',
      '-y',
      '50',
      'env',
      'TERM=xterm-256color',
      `HOME=${home}`,
      bin.bin,
      ';',
      'set-option',
      '-w',
      '-t',
      `=${TMUX_SESSION}:`,
      'remain-on-exit',
      'on',
    ]);
    const pid = Number(tmux(['display-message', '-p', '-t', `=${TMUX_SESSION}:`, '#{pane_pid}']).stdout.trim());
    await waitScreen((s) => / chainmail /.test(s), 20000, 'the first frame');
    const firstPaint = performance.now() - t0;
    await waitScreen((s) => headerLinks(s) >= 49, 30000, 'the 50-node chain');
    const firstFrame = performance.now() - t0;
    // settle, then idle
    await new Promise((r) => setTimeout(r, 5000));
    const start = procStat(pid);
    const rss = [start.rssKb];
    const tStart = performance.now();
    while (performance.now() - tStart < idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      rss.push(procStat(pid).rssKb);
    }
    const end = procStat(pid);
    const clk = Number(run('getconf', ['CLK_TCK']).stdout.trim()) || 100;
    const idleCpuPct = ((end.ticks - start.ticks) / clk / ((performance.now() - tStart) / 1000)) * 100;

    // prompt: Enter on a koko line -> the new link drawn. The targets filter shows only pa,
    // whose details panel then lists the new interface, whatever else the host is doing
    const send = (/** @type {string[]} */ ...keys) => tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, ...keys]);
    send('/');
    await waitScreen((s) => s.includes('targets /'), 3000, 'the targets filter');
    send('-l', pa);
    await waitScreen((s) => s.includes(`targets /${pa}`), 3000, 'the filter text');
    send('Enter');
    await waitScreen((s) => s.includes(`▸ ${pa}`) || new RegExp(`details.*\\n.*${pa}`).test(s), 5000, `${pa} selected`);
    /** @type {number[]} */
    const prompt = [];
    /** @type {number[]} */
    const echo = [];
    for (let k = 0; k < 5; k++) {
      // a key that arrives while the UI is busy redrawing may be missed: ask again
      for (let tries = 0; ; tries++) {
        tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, ':']);
        try {
          await waitScreen((s) => /^ :.*Tab completes/m.test(s), 1500, 'the prompt');
          break;
        } catch (err) {
          if (tries >= 3) throw err;
        }
      }
      // the baseline: a key typed at the prompt -> drawn (one frame of this UI, through tmux)
      await new Promise((r) => setTimeout(r, 300));
      const te = performance.now();
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, '-l', 'koko']);
      await waitScreen((s) => /^ : ?koko/m.test(s), 3000, 'the typed word');
      echo.push(performance.now() - te);
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, '-l', ` -n ${pa},px${k},10.250.${k}.1/24 -n ${pb},py${k},10.250.${k}.2/24`]);
      await new Promise((r) => setTimeout(r, 300));
      const tk = performance.now();
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'Enter']);
      // drawn: the new interface's row in the details panel of pa (not the log's "created ..." line)
      await waitScreen((s) => new RegExp(`\\bpx${k} +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN)\\b`).test(s), 10000, `link px${k} drawn`);
      prompt.push(performance.now() - tk);
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'Escape']);
      await new Promise((r) => setTimeout(r, 500));
    }
    return {
      nodes: 50,
      first_frame_ms: r1(firstFrame),
      first_paint_ms: r1(firstPaint),
      idle_cpu_pct: r1(idleCpuPct),
      idle_seconds: idleSeconds,
      rss_mb: r1(Math.max(...rss) / 1024),
      prompt_samples: prompt.map(tenth),
      prompt_ms: r1(median(prompt)),
      echo_samples: echo.map(tenth),
      echo_ms: r1(median(echo)),
    };
  } finally {
    tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'q'], { check: false });
    await new Promise((r) => setTimeout(r, 1000));
    tmux(['kill-session', '-t', `=${TMUX_SESSION}`], { check: false });
    rmSync(home, { recursive: true, force: true });
    delNamespaces([pa, pb]);
    cm(['chain', 'down', file], { check: false });
  }
}

/** @type {import('../lib/section.mjs').Section} */
export const tui = {
  key: 'tui',
  title: `TUI over 50 namespaces (${RUNS} runs per bin, ${IDLE_SECONDS} s idle each)`,
  async measure({ dir, bins }) {
    const merged = await runsOf(bins, RUNS, (b) => measureTui(dir, { idleSeconds: IDLE_SECONDS }, b));
    return Object.fromEntries(
      Object.entries(merged).map(([name, t]) => [
        name,
        {
          json: t,
          rows: [
            floorRow('TUI first frame, 50-node chain drawn', t.first_frame_ms, undefined, t.runs),
            floorRow(`TUI idle CPU % over ${t.idle_seconds} s (own + children)`, t.idle_cpu_pct, undefined, t.runs),
            floorRow('TUI RSS MB (max while idle)', t.rss_mb, undefined, t.runs),
            ['prompt: Enter on koko -> link drawn', t.prompt_ms, t.echo_ms, ratio(t.prompt_ms, t.echo_ms), `${t.prompt_samples.length}`],
            floorRow('  baseline: a key typed -> drawn (one frame)', t.echo_ms, undefined, t.echo_samples.length),
          ],
          cases: [
            { what: 'TUI first paint', value: t.first_paint_ms, includesNodeStart: true, runs: t.runs },
            { what: 'TUI first frame, 50-node chain drawn', value: t.first_frame_ms, includesNodeStart: true, runs: t.runs },
            { what: `TUI idle CPU % over ${t.idle_seconds} s`, value: t.idle_cpu_pct, includesNodeStart: false, runs: t.runs },
            { what: 'TUI RSS MB (max while idle)', value: t.rss_mb, includesNodeStart: false, runs: t.runs },
            { what: 'prompt: Enter on koko -> link drawn', value: t.prompt_ms, includesNodeStart: false, runs: t.prompt_samples.length },
            { what: 'a key typed -> drawn (one frame)', value: t.echo_ms, includesNodeStart: false, runs: t.echo_samples.length },
          ],
        },
      ]),
    );
  },
};
