// tui: the real UI in tmux over a chain of 50 nodes (and more: BENCH_TUI_NODES=50,500): the first
// frame with the whole chain drawn, CPU (all told, and in parts: its own with its children's that
// ended, and its children still running: monitors, pingers, the round prober) and RSS over an idle spell, and the prompt: Enter on a
// `koko` line until the new interface's row shows, against one key typed at the prompt until it shows.
// BENCH_IDLE_SECONDS (30) is how long each run watches the idle UI; BENCH_TUI_RUNS (2) how many runs
// per bin and chain size. The targets of issue 15 at 500 nodes are in the rows' names.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
 *   nodes: number, first_frame_ms: Figure, first_paint_ms: Figure, idle_cpu_pct: Figure, idle_all_pct: Figure, idle_seconds: number, rss_mb: Figure,
 *   children: Figure, children_cpu_pct: Figure, prompt_timeouts: number, prompt_samples: number[], prompt_ms: Figure, echo_samples: number[], echo_ms: Figure,
 * }} TuiRun one run of the UI
 */

const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 30);
const RUNS = Number(process.env.BENCH_TUI_RUNS ?? 2);
/** The chain sizes measured, each a run of its own. */
const NODES = (process.env.BENCH_TUI_NODES ?? '50').split(',').map(Number);
/** Issue 15's targets for the UI with 500 targets. */
const TARGET_500 = { first_frame_ms: 1500, echo_ms: 50, prompt_ms: 150, idle_cpu_pct: 2, rss_mb: 200 };

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

/** Every process under `pid` (its monitors, pingers, probes), from /proc's parent links. @param {number} pid */
function descendants(pid) {
  /** @type {Map<number, number[]>} */
  const children = new Map();
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(p)]);
    } catch {
      // ended meanwhile
    }
  }
  const out = [];
  for (const queue = [pid]; queue.length;) {
    for (const c of children.get(/** @type {number} */ (queue.pop())) ?? []) {
      out.push(c);
      queue.push(c);
    }
  }
  return out;
}

/**
 * utime + stime of a process and of the children it has reaped (cutime + cstime: a helper's own
 * short-lived children, such as the round prober's pings), 0 once it has gone. @param {number} pid
 */
function treeTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

const headerLinks = (/** @type {string} */ screen) => Number(/ links (\d+)/.exec(screen.split('\n')[0] ?? '')?.[1] ?? NaN);

/** @param {string} dir @param {{ idleSeconds: number, nodes: number }} opts @param {import('../lib/bins.mjs').Bin} bin @returns {Promise<TuiRun>} */
async function measureTui(dir, { idleSeconds, nodes }, bin) {
  const c = scaleChain(nodes, 'u');
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
    await waitScreen((s) => headerLinks(s) >= nodes - 1, 30000 + nodes * 100, `the ${nodes}-node chain`);
    const firstFrame = performance.now() - t0;
    // settle, then idle
    await new Promise((r) => setTimeout(r, 5000));
    const start = procStat(pid);
    const kids = descendants(pid);
    const kidsStart = kids.map(treeTicks);
    const rss = [start.rssKb];
    const tStart = performance.now();
    while (performance.now() - tStart < idleSeconds * 1000) {
      await new Promise((r) => setTimeout(r, 5000));
      rss.push(procStat(pid).rssKb);
    }
    const end = procStat(pid);
    const clk = Number(run('getconf', ['CLK_TCK']).stdout.trim()) || 100;
    const idleSpell = (performance.now() - tStart) / 1000;
    const idleCpuPct = ((end.ticks - start.ticks) / clk / idleSpell) * 100;
    const kidsTicks = kids.reduce((sum, k, i) => sum + Math.max(0, treeTicks(k) - (kidsStart[i] ?? 0)), 0);

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
    let promptTimeouts = 0;
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
      // at a few hundred namespaces a sample may take longer than any wait worth making: it counts as the wait, and is said
      const wait = 10000 + nodes * 40;
      try {
        await waitScreen((s) => new RegExp(`\\bpx${k} +(UP|DOWN|UNKNOWN|LOWERLAYERDOWN)\\b`).test(s), wait, `link px${k} drawn`);
      } catch {
        console.error(`bench tui: link px${k} not drawn within ${wait} ms at ${nodes} nodes`);
        promptTimeouts++;
      }
      prompt.push(performance.now() - tk);
      tmux(['send-keys', '-t', `=${TMUX_SESSION}:`, 'Escape']);
      // wait for the prompt to close: a ':' that reaches a busy UI in the same read as the Escape
      // is taken as Alt+':', and the open prompt still on screen would pass for the new one
      await waitScreen((s) => /^ : command {3}\? help/m.test(s), 10000, 'the prompt to close');
    }
    return {
      nodes,
      prompt_timeouts: promptTimeouts,
      children: kids.length,
      children_cpu_pct: r1((kidsTicks / clk / idleSpell) * 100),
      first_frame_ms: r1(firstFrame),
      first_paint_ms: r1(firstPaint),
      idle_cpu_pct: r1(idleCpuPct),
      idle_all_pct: r1(idleCpuPct + (kidsTicks / clk / idleSpell) * 100),
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

/** A row's name, with issue 15's target when the chain has 500 nodes. @param {string} what @param {number} nodes @param {keyof typeof TARGET_500} key @param {string} unit */
const named = (what, nodes, key, unit) => (nodes === 500 ? `${what} (target < ${TARGET_500[key]}${unit})` : what);

/** @type {import('../lib/section.mjs').Section} */
export const tui = {
  key: 'tui',
  title: `TUI over ${NODES.join(', ')} namespaces (${RUNS} runs per bin and size, ${IDLE_SECONDS} s idle each)`,
  async measure({ dir, bins }) {
    /** @type {Record<string, import('../lib/section.mjs').Measured>} */
    const out = {};
    for (const nodes of NODES) {
      const merged = await runsOf(bins, RUNS, (b) => measureTui(dir, { idleSeconds: IDLE_SECONDS, nodes }, b));
      for (const [name, t] of Object.entries(merged)) {
        const n = nodes === 50 ? '' : ` ${nodes}`;
        const o = (out[name] ??= { json: NODES.length === 1 ? t : [], rows: [], cases: [] });
        if (Array.isArray(o.json)) o.json.push(t);
        o.rows.push(
          floorRow(named(`TUI first frame, ${nodes}-node chain drawn`, nodes, 'first_frame_ms', ' ms'), t.first_frame_ms, undefined, t.runs),
          floorRow(named(`TUI${n} idle CPU % over ${t.idle_seconds} s, all it started included`, nodes, 'idle_cpu_pct', '%'), t.idle_all_pct, undefined, t.runs),
          floorRow(`TUI${n}   of which its own and its children's that ended`, t.idle_cpu_pct, undefined, t.runs),
          floorRow(`TUI${n}   of which its children still running (${t.children}), with what they started`, t.children_cpu_pct, undefined, t.runs),
          floorRow(named(`TUI${n} RSS MB (max while idle)`, nodes, 'rss_mb', ' MB'), t.rss_mb, undefined, t.runs),
          [
            named(`TUI${n} prompt: Enter on koko -> link drawn${t.prompt_timeouts ? ` (${t.prompt_timeouts} not drawn in time)` : ''}`, nodes, 'prompt_ms', ' ms'),
            t.prompt_ms,
            t.echo_ms,
            ratio(t.prompt_ms, t.echo_ms),
            `${t.prompt_samples.length}`,
          ],
          floorRow(named(`TUI${n}   baseline: a key typed -> drawn (one frame)`, nodes, 'echo_ms', ' ms'), t.echo_ms, undefined, t.echo_samples.length),
        );
        o.cases.push(
          { what: `TUI${n} first paint`, value: t.first_paint_ms, includesNodeStart: true, runs: t.runs },
          { what: `TUI first frame, ${nodes}-node chain drawn`, value: t.first_frame_ms, includesNodeStart: true, runs: t.runs },
          { what: `TUI${n} idle CPU % over ${t.idle_seconds} s, all included`, value: t.idle_all_pct, includesNodeStart: false, runs: t.runs },
          { what: `TUI${n} RSS MB (max while idle)`, value: t.rss_mb, includesNodeStart: false, runs: t.runs },
          { what: `${n ? `TUI${n} ` : ''}prompt: Enter on koko -> link drawn`, value: t.prompt_ms, includesNodeStart: false, runs: t.prompt_samples.length },
          { what: `${n ? `TUI${n} ` : ''}a key typed -> drawn (one frame)`, value: t.echo_ms, includesNodeStart: false, runs: t.echo_samples.length },
        );
      }
    }
    return out;
  },
};
