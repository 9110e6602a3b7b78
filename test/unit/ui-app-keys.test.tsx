/**
 * The whole App driven by keys (ink-testing-library), on a real Session whose
 * state the tests set: nothing is started, nothing touches the host.
 */
import chalk from 'chalk';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/host/context.js';
import type { TargetState, Topology, TopologyLink } from '../../src/topology/model.js';
import { App } from '../../src/ui/components/App.js';
import { chainWindow } from '../../src/ui/components/ChainView.js';
import { CommandHistory } from '../../src/ui/history.js';
import { logEntryRows, logRows } from '../../src/ui/components/panels.js';
import { Session } from '../../src/ui/session/session.js';
import type { LogEntry, SessionState } from '../../src/ui/session/store.js';

const KEY = {
  up: '\u001B[A',
  down: '\u001B[B',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  home: '\u001B[H',
  end: '\u001B[F',
  tab: '\t',
  enter: '\r',
};

// longer than Ink's frame throttle (30 frames a second): a render right after another is written only at its end
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tick = () => sleep(50);

/**
 * Waits for the frame an action causes: a new frame (or 400 ms without one,
 * for a key that changes nothing), then no further frame for 60 ms. A fixed
 * wait was not enough on a loaded machine, where React renders a long chain
 * in several slices.
 */
async function settle(frames: readonly string[]): Promise<void> {
  const before = frames.length;
  await tick();
  for (const until = Date.now() + 400; frames.length === before && Date.now() < until;) await sleep(20);
  for (let seen = frames.length, quiet = 0, until = Date.now() + 2000; quiet < 3 && Date.now() < until;) {
    await sleep(20);
    if (frames.length === seen) quiet++;
    else [seen, quiet] = [frames.length, 0];
  }
}

const target = (label: string, interfaces: string[] = []): TargetState => ({
  ns: { kind: 'netns', label, path: '', netnsName: label },
  status: 'present',
  interfaces: interfaces.map((name, i) => ({ ifindex: i + 2, name, kind: 'veth', state: 'UP', adminUp: true, mtu: 1500, addresses: [] })),
});

/** A path of `n` namespaces (n00 - n01 - ...), each hop a veth pair with addresses. */
function pathTopology(n: number): Topology {
  const names = Array.from({ length: n }, (_, i) => `n${String(i).padStart(2, '0')}`);
  const links: TopologyLink[] = names.slice(1).map((name, i) => ({
    kind: 'veth',
    a: { target: names[i]!, ifname: 'eth1', addresses: [`10.1.${i}.1/24`] },
    b: { target: name, ifname: 'eth2', addresses: [`10.1.${i}.2/24`] },
  }));
  return { targets: names.map((name) => target(name, ['eth1', 'eth2'])), links, warnings: [] };
}

function listTopology(names: string[]): Topology {
  return { targets: names.map((name) => target(name)), links: [], warnings: [] };
}

type Setup = ReturnType<typeof render> & {
  session: Session;
  press(...chunks: string[]): Promise<void>;
  resize(columns: number, rows: number): Promise<void>;
  update(patch: Partial<SessionState>): Promise<void>;
  lines(): string[];
};

let view: Setup | undefined;
afterEach(() => {
  view?.unmount();
  view = undefined;
  vi.unstubAllEnvs();
});

async function setup(state: Partial<SessionState>, size = { columns: 100, rows: 24 }): Promise<Setup> {
  const session = new Session({} as CommandContext);
  session.state = { ...session.state, ...state };
  const r = render(<App session={session} history={new CommandHistory({ path: null })} />);
  const setSize = (columns: number, rows: number) => {
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => columns });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => rows });
  };
  setSize(size.columns, size.rows);
  r.rerender(<App session={session} history={new CommandHistory({ path: null })} />);
  r.stdout.emit('resize');
  await tick();
  view = {
    ...r,
    session,
    async press(...chunks) {
      for (const chunk of chunks) {
        r.stdin.write(chunk);
        await settle(r.frames);
      }
    },
    async resize(columns, rows) {
      setSize(columns, rows);
      r.stdout.emit('resize');
      await settle(r.frames);
    },
    async update(patch) {
      (session as unknown as { update(p: Partial<SessionState>): void }).update(patch);
      await settle(r.frames);
    },
    lines: () => (r.lastFrame() ?? '').split('\n'),
  };
  return view;
}

/** The inside of the bordered panel whose title row starts with `title`: its title and rows. */
function panel(lines: string[], title: string): { title: string; rows: string[] } | undefined {
  for (let y = 1; y < lines.length; y++) {
    const row = [...lines[y]!];
    for (let x = 0; x < row.length; x++) {
      if (row[x] !== '│' || [...lines[y - 1]!][x] !== '╭') continue;
      const top = [...lines[y - 1]!];
      const right = top.indexOf('╮', x + 1);
      const text = row
        .slice(x + 1, right)
        .join('')
        .trimEnd();
      if (!text.startsWith(title)) continue;
      const rows: string[] = [];
      for (let r = y + 1; r < lines.length && [...lines[r]!][x] !== '╰'; r++)
        rows.push(
          [...lines[r]!]
            .slice(x + 1, right)
            .join('')
            .trimEnd(),
        );
      return { title: text, rows };
    }
  }
  return undefined;
}

const chainRows = (v: Setup) => panel(v.lines(), 'chain')!.rows;
const selectedRow = (v: Setup) => panel(v.lines(), 'targets')!.rows.find((r) => r.startsWith('▸'));

describe('the chain panel scrolls', () => {
  it('is cut with a row saying how much is hidden and how to get there', async () => {
    const v = await setup({ topology: pathTopology(30) });
    const rows = chainRows(v);
    expect(rows[0]).toMatch(/^\[n00\]/);
    expect(rows.at(-1)).toMatch(/^… ↓ \d+ more rows · Tab to this panel to scroll$/);
  });

  it('moves with Up/Down/PageUp/PageDown/Home/End once focused, saying what is above and below', async () => {
    const v = await setup({ topology: pathTopology(30) });
    const before = chainRows(v);
    const hidden = Number(/↓ (\d+) more rows/.exec(before.at(-1)!)![1]);
    // Down does nothing to the chain while the targets panel has focus
    await v.press(KEY.tab);
    expect(panel(v.lines(), 'chain')).toBeDefined();
    await v.press(KEY.down);
    let rows = chainRows(v);
    expect(rows[0]).toBe('… ↑ 1 more row');
    expect(rows[1]).toBe(before[1]);
    expect(rows.at(-1)).toMatch(/^… ↓ \d+ more rows$/);

    await v.press(KEY.end);
    rows = chainRows(v);
    expect(rows[0]).toMatch(/^… ↑ \d+ more rows$/);
    expect(rows.join('\n')).toContain('[n29]');
    expect(rows.join('\n')).not.toContain('↓');
    const atEnd = rows;
    await v.press(KEY.down, KEY.pageDown);
    expect(chainRows(v)).toEqual(atEnd);

    await v.press(KEY.home);
    expect(chainRows(v)[0]).toMatch(/^\[n00\]/);
    await v.press(KEY.pageDown);
    rows = chainRows(v);
    const above = Number(/^… ↑ (\d+) more rows?$/.exec(rows[0]!)![1]);
    expect(above).toBeGreaterThan(1);
    await v.press(KEY.pageUp);
    expect(chainRows(v)).toEqual([...before.slice(0, -1), `… ↓ ${hidden} more rows`]);
  });

  it('keeps the scroll within the drawing when the terminal grows or the drawing shrinks', async () => {
    const v = await setup({ topology: pathTopology(30) });
    await v.press(KEY.tab, KEY.end);
    expect(chainRows(v).join('\n')).toContain('[n29]');
    // tall enough for the whole drawing: no scroll rows at all
    await v.resize(100, 90);
    let rows = chainRows(v).filter((r) => r !== '');
    expect(rows[0]).toMatch(/^\[n00\]/);
    expect(rows.join('\n')).not.toMatch(/more row/);
    // smaller again: from the top (the scroll was clamped), not from where End had put it
    await v.resize(100, 24);
    rows = chainRows(v);
    expect(rows[0]).toMatch(/^\[n00\]/);

    await v.press(KEY.end);
    await v.update({ topology: pathTopology(12) });
    rows = chainRows(v);
    expect(rows.join('\n')).toContain('[n11]');
    // one Up shows one more row at once: nothing of the longer drawing's scroll is left
    const aboveBefore = Number(/↑ (\d+) more row/.exec(rows[0]!)?.[1] ?? 0);
    await v.press(KEY.up);
    const aboveAfter = Number(/↑ (\d+) more row/.exec(chainRows(v)[0]!)?.[1] ?? 0);
    expect(aboveAfter).toBe(aboveBefore - 1);
  });

  it('chainWindow: every row is a drawing row or says how many are hidden, within maxRows', () => {
    for (let total = 0; total < 30; total++) {
      for (let maxRows = 3; maxRows < 12; maxRows++) {
        for (let scroll = 0; scroll < 35; scroll++) {
          const w = chainWindow(total, maxRows, scroll);
          const used = w.end - w.start + (w.above ? 1 : 0) + (w.below ? 1 : 0);
          // a drawing that does not fit fills the panel exactly; one that fits shows whole
          expect(used).toBe(total > maxRows ? maxRows : total);
          expect(w.above).toBe(w.start);
          expect(w.below).toBe(total - w.end);
          if (total > 0) expect(w.end).toBeGreaterThan(w.start);
        }
      }
    }
  });
});

describe('keys that arrive in one read each count', () => {
  it('moves the selection in the targets panel once per arrow key', async () => {
    const names = Array.from({ length: 18 }, (_, i) => `t${String(i).padStart(2, '0')}`);
    const v = await setup({ topology: listTopology(names), selected: 't00' });
    await v.press(KEY.down.repeat(3));
    expect(selectedRow(v)).toMatch(/^▸ t03 /);
    expect(v.session.state.selected).toBe('t03');
    await v.press('jj');
    expect(v.session.state.selected).toBe('t05');
    await v.press(KEY.end, KEY.up.repeat(14));
    expect(v.session.state.selected).toBe(names[names.length - 1 - 14]);
    await v.press(KEY.pageDown);
    expect(v.session.state.selected).not.toBe(names[names.length - 1 - 14]);
    await v.press(KEY.home);
    expect(v.session.state.selected).toBe('t00');
  });

  it('scrolls the log and the chain once per key, and Tabs count too', async () => {
    const log: LogEntry[] = Array.from({ length: 20 }, (_, i) => ({ at: new Date(), tone: 'info', text: `entry ${i}` }));
    const v = await setup({ topology: pathTopology(30), log });
    await v.press(KEY.tab + KEY.down + KEY.down + KEY.down);
    expect(chainRows(v)[0]).toBe('… ↑ 3 more rows');
    // chain -> details -> log, then four entries back
    await v.press(KEY.tab + KEY.tab + KEY.up.repeat(4));
    expect(panel(v.lines(), 'log')!.title).toBe('log (↑ 4 rows)');
    expect(panel(v.lines(), 'log')!.rows.filter(Boolean).at(-1)).toMatch(/entry 15$/);
  });

  it('scrolls the details once per key', async () => {
    const interfaces = Array.from({ length: 15 }, (_, i) => `if${String(i).padStart(2, '0')}`);
    const topology: Topology = { targets: [target('a', interfaces)], links: [], warnings: [] };
    const v = await setup({ topology, selected: 'a' });
    const first = () => panel(v.lines(), 'a (netns)')!.rows[0];
    expect(first()).toMatch(/^if00 /);
    await v.press(KEY.tab + KEY.tab + KEY.down.repeat(3));
    expect(first()).toMatch(/^if03 /);
    await v.press(KEY.end + KEY.down);
    const last = panel(v.lines(), 'a (netns)')!.rows.filter(Boolean);
    expect(last.at(-1)).toMatch(/^if14 /);
    // End went no further than the last line: one Up shows one more line at the top
    const top = last[0]!;
    await v.press(KEY.up);
    expect(panel(v.lines(), 'a (netns)')!.rows[1]).toBe(top);
  });
});

describe('the frame is a row shorter than the terminal', () => {
  // Ink clears the whole screen before each update of a frame as tall as the terminal
  it.each([
    [100, 24],
    [120, 40],
  ])('at %ix%i, and after a resize', async (columns, rows) => {
    const v = await setup({ topology: pathTopology(4) }, { columns, rows });
    expect(v.lines()).toHaveLength(rows - 1);
    await v.resize(columns, rows + 7);
    expect(v.lines()).toHaveLength(rows + 6);
    await v.press('?');
    expect(v.lines()).toHaveLength(rows + 6);
  });

  it('with the completion line showing', async () => {
    const v = await setup({ topology: pathTopology(4) });
    await v.press(':');
    await v.press('routes n0', KEY.tab);
    const lines = v.lines();
    expect(lines.at(-1)).toMatch(/n00 +n01/);
    expect(lines).toHaveLength(23);
  });
});

describe('colour', () => {
  const colourCode = /\u001B\[(?:3[0-9]|4[0-9]|9[0-7]|10[0-7])[;m]/;
  const withColours = async <T,>(fn: () => Promise<T>): Promise<T> => {
    const level = chalk.level;
    chalk.level = 1;
    try {
      return await fn();
    } finally {
      chalk.level = level;
    }
  };
  const log: LogEntry[] = [
    { at: new Date(), tone: 'bad', text: 'a failure' },
    { at: new Date(), tone: 'ok', text: 'a success' },
  ];

  it.each([
    ['NO_COLOR', undefined],
    // no-color.org: set but empty is as unset (the issue that changed this: chainmail took it as set)
    ['NO_COLOR', ''],
    ['FORCE_COLOR', '1'],
  ])('is used by default, and with %s="%s"', async (name, value) => {
    vi.stubEnv('NO_COLOR', undefined);
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv('TERM', 'xterm-256color');
    vi.stubEnv(name, value);
    await withColours(async () => {
      const v = await setup({ topology: pathTopology(3), log });
      expect(v.lastFrame()).toMatch(colourCode);
    });
  });

  it.each([
    ['NO_COLOR', '1'],
    ['TERM', 'dumb'],
    ['FORCE_COLOR', '0'],
  ])('is not used at all with %s="%s", and focus still shows', async (name, value) => {
    vi.stubEnv('FORCE_COLOR', undefined);
    vi.stubEnv(name, value);
    await withColours(async () => {
      const v = await setup({ topology: pathTopology(3), log });
      expect(v.lastFrame()).not.toMatch(colourCode);
      const plain = v.lines().map((l) => l.replace(/\u001B\[[0-9;]*m/g, ''));
      // the focused panel's border is heavy along the top: targets first, then the chain
      expect(plain[1]).toMatch(/^╭━+╮╭─+╮$/);
      await v.press(KEY.tab);
      expect(v.lines().map((l) => l.replace(/\u001B\[[0-9;]*m/g, ''))[1]).toMatch(/^╭─+╮╭━+╮$/);
    });
  });
});

describe('long log lines', () => {
  // what the session logs for `koko a`: the command and the message (✗), then the marker and the usage
  const message = 'unexpected word "a": every value follows an option such as -d or -n';
  const usage = [
    'usage: koko END END [--mtu N]  |  koko END -x PARENT,REMOTE,VNI[,port=N][,mtu=N]  |  koko END -V PARENT,VLANID  |  koko END -M PARENT,MODE',
    '       koko -D CONTAINER,IF | -N NETNS,IF | -P PID,IF | -A NSPATH,IF | -C IF',
    '       END = -d CONTAINER,IF[,ADDR...] | -n NETNS,IF[,ADDR...] | -p PID,IF[,ADDR...] | -a NSPATH,IF[,ADDR...] | -c IF[,ADDR...]',
  ];
  const kokoError = (): LogEntry[] => [
    { at: new Date(), tone: 'bad', text: 'koko a' },
    { at: new Date(), tone: 'bad', text: `  ${message}` },
    { at: new Date(), tone: 'info', text: '  koko a' },
    { at: new Date(), tone: 'info', text: '       ^' },
    { at: new Date(), tone: 'info', text: `  ${usage.join('\n  ')}` },
  ];

  it('an error shows whole at 80x24, wrapped; the usage under it is cut and says how to read it', async () => {
    const v = await setup({ topology: listTopology(['a', 'b']), log: kokoError() }, { columns: 80, rows: 24 });
    const p = panel(v.lines(), 'log')!;
    const rows = p.rows.filter(Boolean);
    expect(rows.join(' ').replace(/\s+/g, ' ')).toContain(message);
    expect(p.title).toBe('log · Tab here: whole lines');
    expect(rows.at(-1)).toMatch(/…$/);
  });

  it('with focus, every line reads whole, scrolling a row at a time up to the first', async () => {
    const v = await setup({ topology: listTopology(['a', 'b']), log: kokoError() }, { columns: 80, rows: 24 });
    await v.press(KEY.tab.repeat(3));
    let p = panel(v.lines(), 'log')!;
    expect(p.title).toBe('log');
    // each Up brings one more row in at the top: the log's rows, in order
    const seen = [...p.rows];
    for (let i = 1; i <= 30; i++) {
      await v.press(KEY.up);
      const top = panel(v.lines(), 'log')!;
      if (top.title === p.title) break;
      expect(top.title).toBe(`log (↑ ${i} rows)`);
      expect(top.rows.slice(1)).toEqual(p.rows.slice(0, -1));
      seen.unshift(top.rows[0]!);
      p = top;
    }
    expect(seen.some((r) => r.endsWith('…'))).toBe(false);
    const squeezed = seen.join('').replace(/\s+/g, '');
    for (const line of [message, ...usage]) expect(squeezed).toContain(line.replace(/\s+/g, ''));
    // at the top: the first entry's row first; End goes back to the newest
    expect(p.rows[0]).toMatch(/✗ koko a$/);
    await v.press(KEY.end);
    expect(panel(v.lines(), 'log')!.title).toBe('log');
  });

  it('logEntryRows: wraps at spaces, indents under the text, cuts a word longer than a row', () => {
    const at = new Date(2024, 0, 1, 12, 0, 0);
    expect(logEntryRows({ at, tone: 'bad', text: 'one two three four five six seven eight nine' }, 31).map((r) => r.text)).toEqual([
      '12:00:00 ✗ one two three four',
      '           five six seven eight',
      '           nine',
    ]);
    const long = logEntryRows({ at, tone: 'ok', text: 'x'.repeat(50) }, 36).map((r) => r.text);
    for (const r of long) expect(r.length).toBeLessThanOrEqual(36);
    expect(long.join('').replace(/[^x]/g, '')).toHaveLength(50);
    expect(logEntryRows({ at, tone: 'info', text: 'word '.repeat(20) }, 36, false)).toEqual([
      { text: `12:00:00   ${'word '.repeat(5).trim()}…`, tone: 'info', cut: true },
    ]);
  });

  it('logEntryRows: a line of many leading blanks and one long word loses neither a row nor its letters', () => {
    const at = new Date(2024, 0, 1, 12, 0, 0);
    const rows = logEntryRows({ at, tone: 'ok', text: `ab\n${' '.repeat(20)}${'x'.repeat(40)}` }, 36).map((r) => r.text);
    expect(rows.filter((r) => r.trim() === '')).toEqual([]);
    expect(rows.join('').replace(/[^x]/g, '')).toHaveLength(40);
  });

  it('logEntryRows: each line of a text of several starts a row of its own', () => {
    const at = new Date(2024, 0, 1, 12, 0, 0);
    expect(logEntryRows({ at, tone: 'info', text: '  usage: a\n    TARGET = b' }, 40).map((r) => r.text)).toEqual(['12:00:00     usage: a', '               TARGET = b']);
  });

  it('logRows: ✓ and ✗ entries whole, the others cut unless whole is asked for', () => {
    const at = new Date(2024, 0, 1, 12, 0, 0);
    const long = 'word '.repeat(12).trim();
    const entries: LogEntry[] = [
      { at, tone: 'bad', text: long },
      { at, tone: 'ok', text: long },
      { at, tone: 'info', text: long },
    ];
    expect(logRows(entries, 40).map((r) => r.tone)).toEqual(['bad', 'bad', 'ok', 'ok', 'info']);
    // a text of several lines is one row too
    expect(logRows([{ at, tone: 'info', text: 'a\n  b' }], 40)).toEqual([{ text: '12:00:00   a b', tone: 'info', cut: true }]);
    expect(logRows(entries, 40, true).map((r) => r.tone)).toEqual(['bad', 'bad', 'ok', 'ok', 'info', 'info']);
  });

  it('a log of texts with line breaks keeps within the panel, its title shown', async () => {
    const log: LogEntry[] = Array.from({ length: 6 }, (_, i) => ({ at: new Date(), tone: 'bad' as const, text: `entry ${i}\n  more\n  and more` }));
    const v = await setup({ topology: listTopology(['a']), log }, { columns: 80, rows: 24 });
    const p = panel(v.lines(), 'log');
    expect(p?.title).toBe('log');
    expect(p!.rows.filter(Boolean).at(-1)).toMatch(/and more$/);
    expect(v.lines()).toHaveLength(23);
  });
});

describe('the targets filter', () => {
  it('moves the selection to the first target shown when it hides the selected one', async () => {
    const v = await setup({ topology: listTopology(['alpha', 'beta', 'gamma', 'gamut']), selected: 'alpha' });
    expect(selectedRow(v)).toMatch(/^▸ alpha /);
    await v.press('/', 'gam', KEY.enter);
    expect(panel(v.lines(), 'targets')!.title).toBe('targets /gam');
    expect(selectedRow(v)).toMatch(/^▸ gamma /);
    expect(panel(v.lines(), 'gamma (netns)')).toBeDefined();
    // a filter that keeps the selected target shown leaves the selection alone
    await v.press(KEY.down, '/', '\u001B');
    await tick();
    expect(v.session.state.selected).toBe('gamut');
  });
});

describe('header', () => {
  it("counts the watches with the hop pings: a failing end-to-end probe is the chain's health too", async () => {
    const v = await setup(
      {
        topology: { targets: [], links: [], warnings: [] },
        checks: new Map([['veth|a:x|b:y', { ok: true }]]),
        watches: [
          { id: 1, kind: 'http', target: 'client', destination: 'http://10.0.3.2/', ok: false, recent: [false] },
          { id: 2, kind: 'ping', target: 'client', destination: '10.0.1.2', recent: [] },
        ],
      },
      { columns: 120, rows: 30 },
    );
    expect(v.lines()[0]).toMatch(/health 1\/2 ok/);
    await v.update({ healing: true, busy: true });
    expect(v.lines()[0]).toMatch(/health 1\/2 ok · healing…/);
  });
});

describe('an 80-column terminal', () => {
  it("keeps target names readable (kind as its letter, no pid column) and the header's counts", async () => {
    const topology: Topology = { targets: [target('client-long-name', ['eth0', 'eth1']), target('fw', ['x'])], links: [], warnings: [] };
    const v = await setup({ topology, selected: 'client-long-name' }, { columns: 80, rows: 24 });
    const rows = v.lines();
    expect(
      rows.some((r) => /▸ client-long-name +n +2 /.test(r)),
      rows.join('\n'),
    ).toBe(true);
    expect(rows[0]).toMatch(/netns 2 · links 0 · health 0\/0 ok/);
    expect(rows[0]).not.toContain('q quit');
  });
});
