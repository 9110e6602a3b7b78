/**
 * The full-screen UI end to end: the real program (`bin/chainmail.js`)
 * in a real terminal (tmux), driven by keys and read back from the screen.
 * One story, as a user lives it: wire three namespaces from the prompt
 * (pasted lines with a shell prompt and a program path, two lines in one
 * paste), watch health turn ✓, read the routes of a target, see a veth made
 * by plain `ip` appear by itself, see a hop break when a namespace is
 * deleted, make a typo, shrink the terminal, open help, quit cleanly.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createNetns, ip, isRoot, routes, Scratch, uniqueName } from '../support/kernel.js';
import { cells, chainText, escapeRegExp as re, hasTmux, logRows, panel, TmuxTerminal } from '../support/tmux.js';
import { PROMPT_VERBS } from '../../src/parse/verb-table.js';

const scratch = new Scratch();
let term: TmuxTerminal | undefined;
afterEach(async () => {
  term?.kill();
  term = undefined;
  await scratch.cleanup();
});

/** The prompt has focus: its line shows the editing hint. */
const promptFocused = (s: string) => s.includes('Tab completes');
/** The prompt is idle: its line shows the key hint. */
const promptIdle = (s: string) => /^ : command {3}\? help/m.test(s);

/**
 * Whether an SGR sequence of a captured screen sets a foreground colour
 * (30-37, 90-97, or 38;5;N / 38;2;R;G;B), its parameters read in order so
 * that a background's (48;5;N, 48;2;R;G;B) numbers are not taken for one.
 */
function hasForegroundColour(styled: string): boolean {
  for (const [, params = ''] of styled.matchAll(/\u001b\[([0-9;]*)m/g)) {
    const p = params.split(';').map(Number);
    for (let i = 0; i < p.length; i++) {
      const n = p[i]!;
      if ((n >= 30 && n <= 38) || (n >= 90 && n <= 97)) return true;
      if (n === 48) i += p[i + 1] === 2 ? 4 : 2;
    }
  }
  return false;
}

/** The targets panel row of a target: `▸ name …` when selected, `  name …` otherwise. */
function targetRow(screen: string, name: string): string | undefined {
  return panel(screen, 'targets')?.rows.find((r) => r.slice(2).startsWith(`${name} `));
}

/**
 * Moves the selection in the targets panel (which has focus) with the arrow
 * keys until `▸ name`. Targets are listed containers first, then namespaces
 * by name, then the host; that decides the way when name is out of view.
 */
async function selectTarget(t: TmuxTerminal, name: string): Promise<void> {
  for (let step = 0; step < 60; step++) {
    const s = t.capture();
    const rows = panel(s, 'targets')?.rows ?? [];
    const selected = rows.findIndex((r) => r.startsWith('▸'));
    const wanted = rows.findIndex((r) => r.slice(2).startsWith(`${name} `));
    if (selected >= 0 && selected === wanted) return;
    const [current = '', kind = ''] = selected >= 0 ? rows[selected]!.slice(2).trim().split(/\s+/) : [];
    const down = wanted >= 0 ? wanted > selected : kind === 'docker' || (kind === 'netns' && current < name);
    t.sendKeys(down ? 'Down' : 'Up');
    await t.waitFor((s2) => s2 !== s, 1000).catch(() => undefined);
  }
  throw new Error(`could not select ${name} with the arrow keys:\n${t.capture()}`);
}

describe.skipIf(!isRoot)('terminal UI in a real terminal (tmux)', () => {
  it('wires, watches, breaks and quits: the whole story from the keyboard', async () => {
    expect(hasTmux, 'tmux must be installed (scripts/install-deps.sh installs it)').toBe(true);
    // one stem for this run's three namespaces: the targets filter shows just them
    // however many other namespaces and containers the host has
    const stem = uniqueName('t');
    const [A, B, C] = ['a', 'b', 'c'].map((x) => {
      const name = scratch.adoptNetns(`${stem}${x}`);
      createNetns(name);
      return name;
    }) as [string, string, string];

    const t = TmuxTerminal.start({ width: 120, height: 32 });
    term = t;
    await t.waitFor(/^ chainmail .*netns \d+/, 10_000, 'the UI to start');
    // CI is set (TmuxTerminal.start), as in the project's CI: the UI draws in colour all the same
    expect(hasForegroundColour(t.captureStyled()), `foreground colours on the screen:\n${t.captureStyled()}`).toBe(true);
    t.sendKeys('/');
    await t.waitFor((s) => panel(s, 'targets /')?.title === 'targets /█', 3000, 'the targets filter to open');
    t.typeText(stem);
    // Enter only once the text is in: arriving in the same read as the text, it
    // would be taken as part of the filter (see the test at the end of this file)
    await t.waitFor((s) => panel(s, 'targets /')?.title === `targets /${stem}█`, 3000, 'the filter text');
    t.sendKeys('Enter');
    await t.waitFor(
      (s) => {
        const targets = panel(s, `targets /${stem}`);
        return targets !== undefined && !targets.title.includes('█') && [A, B, C].every((n) => targetRow(s, n) !== undefined);
      },
      10_000,
      `the targets panel (filtered by ${stem}) listing ${A}, ${B}, ${C}`,
    );

    // ---- wiring from the prompt --------------------------------------------
    const run = async (line: string, done: RegExp, what: string) => {
      t.typeLine(line);
      await t.waitFor((s) => logRows(s).some((r) => done.test(r)), 8000, what);
    };
    t.sendKeys(':');
    await t.waitFor(promptFocused, 3000, 'the prompt to take focus after `:`');

    // pasted with a shell prompt and a path to the koko binary: both are dropped
    await run(
      `[root@koko1 centos]# ./gocode/bin/koko -n ${A},link1,10.0.1.1/24 -n ${B},link2,10.0.1.2/24`,
      new RegExp(`✓ koko -n ${re(A)},link1`),
      'koko A-B to succeed in the log',
    );
    let screen = await t.waitFor(
      (s) => new RegExp(`\\[${re(A)}\\]─link1 10\\.0\\.1\\.1 ═[^═]+═ 10\\.0\\.1\\.2 link2─\\[${re(B)}\\]`).test(chainText(s)),
      3000,
      'the chain to draw A─link1 … link2─B',
    );

    await run(`koko -n ${B},link3 -n ${C},link4`, new RegExp(`✓ koko -n ${re(B)},link3`), 'koko B-C to succeed in the log');
    await run(`koro netns ${B} address add 10.0.2.1/24 dev link3`, new RegExp(`added 10\\.0\\.2\\.1/24 on ${re(B)}:link3`), 'the address on B:link3 in the log');

    // two lines in ONE paste; the second (a route via 10.0.2.1 on link4)
    // only works after the first (the address that puts link4 in 10.0.2.0/24)
    const cAddr = `koro netns ${C} address add 10.0.2.2/24 dev link4`;
    const cRoute = `koro netns ${C} route add 10.0.1.0/24 via 10.0.2.1 dev link4`;
    t.typeText(`${cAddr}\n${cRoute}\n`);
    screen = await t.waitFor((s) => logRows(s).some((r) => /✓ koro .* route add/.test(r) || /✗ koro .* route add/.test(r)), 8000, 'both pasted lines to run');
    {
      const log = logRows(screen);
      const first = log.findIndex((r) => r.includes(`✓ koro netns ${C} address add`));
      const second = log.findIndex((r) => r.includes(`✓ koro netns ${C} route add`));
      expect(first, `pasted line 1 in the log:\n${log.join('\n')}`).toBeGreaterThanOrEqual(0);
      expect(second, `pasted line 2 in the log:\n${log.join('\n')}`).toBeGreaterThan(first);
      // (the engine being unreachable is the host's state, not a failed line: the story runs on namespaces)
      expect(
        log.filter((r) => / ✗ /.test(r) && !/docker engine unreachable/.test(r)),
        `no failures in the log:\n${log.join('\n')}`,
      ).toEqual([]);
    }
    expect(routes(C, 4)).toContainEqual(expect.objectContaining({ dst: '10.0.1.0/24', gateway: '10.0.2.1', dev: 'link4' }));

    await run(`koro netns ${A} route add default via 10.0.1.2 dev link1`, /added route default via 10\.0\.1\.2/, 'the default route of A in the log');

    screen = await t.waitFor(
      (s) => {
        const chain = chainText(s);
        return (
          new RegExp(`\\[${re(A)}\\]─link1 10\\.0\\.1\\.1 ═✓( [\\d.]+ms)?( \\d+pps)?═ 10\\.0\\.1\\.2 link2─\\[${re(B)}\\]`).test(chain) &&
          new RegExp(`\\[${re(B)}\\]─link3 10\\.0\\.2\\.1 ═✓( [\\d.]+ms)?( \\d+pps)?═ 10\\.0\\.2\\.2 link4─\\[${re(C)}\\]`).test(chain)
        );
      },
      6000,
      'both hops drawn with addresses and health ✓',
    );
    // the packets through a hop, from the kernel's counters (the hop's own pings are traffic too)
    await t.waitFor(
      (s) => new RegExp(`\\[${re(A)}\\]─link1 10\\.0\\.1\\.1 ═✓( [\\d.]+ms)? \\d+pps═`).test(chainText(s)),
      6000,
      'the hop A-B to show its packets per second',
    );
    // the header counts them (with whatever else the host has)
    const [, links = '0', healthy = '0'] = /links (\d+) .*health (\d+)\/\d+ ok/.exec(screen.split('\n')[0]!) ?? [];
    expect([Number(links), Number(healthy)], screen.split('\n')[0]).toEqual([expect.toSatisfy((n: number) => n >= 2), expect.toSatisfy((n: number) => n >= 2)]);

    // ---- the details of A ------------------------------------------------------
    t.sendKeys('Escape');
    await t.waitFor(promptIdle, 3000, 'the prompt to let go after Esc');
    await selectTarget(t, A);
    const detailsShow = (name: string, row: string) => (s: string) => panel(s, `${name} (netns`)?.rows.includes(row) === true;
    screen = await t.waitFor(detailsShow(A, ' default via 10.0.1.2 dev link1'), 3000, `▸ ${A} selected and its details showing its default route`);
    expect(targetRow(screen, A)).toMatch(/^▸ /);
    expect(panel(screen, `${A} (netns`)!.rows.join('\n')).toMatch(/^link1 +UP +10\.0\.1\.1\/24 +↔ .*:link2$/m);
    // the arrows move the selection, and the details follow it
    t.sendKeys('Down');
    screen = await t.waitFor(detailsShow(B, ' 10.0.2.0/24 dev link3 proto kernel scope link'), 3000, `↓: ▸ ${B} and its routes`);
    expect(targetRow(screen, B)).toMatch(/^▸ /);
    t.sendKeys('Up');
    await t.waitFor(detailsShow(A, ' default via 10.0.1.2 dev link1'), 3000, `↑: ▸ ${A} and its routes again`);

    // ---- a veth made outside the UI shows up by itself ------------------------
    const before = Date.now();
    ip(B, ['link', 'add', 'name', 'hand1', 'type', 'veth', 'peer', 'name', 'hand2', 'netns', C]);
    await t.waitFor(
      (s) => /─hand1 ═[^═]+═ hand2─|─hand2 ═[^═]+═ hand1─/.test(chainText(s)),
      2000,
      'the veth hand1/hand2 made with plain ip to appear in the chain within 2 s',
    );
    const appearedMs = Date.now() - before;

    // ---- a namespace's link killed from outside, both namespaces alive: the hop is drawn broken ----
    ip(B, ['link', 'del', 'hand1']);
    await t.waitFor(
      (s) =>
        /─hand1 ═╳═ hand2─|─hand2 ═╳═ hand1─/.test(chainText(s)) &&
        logRows(s).some((r) => r.includes(`✗ hop ${B} ↔ ${C} broken`) || r.includes(`✗ hop ${C} ↔ ${B} broken`)),
      3000,
      'the hop hand1/hand2, deleted with plain ip, drawn broken (╳) and `broken` in the log',
    );

    // ---- B deleted from outside: its hops are drawn broken ------------------------
    ip(undefined, ['netns', 'del', B]);
    screen = await t.waitFor(
      (s) => {
        const chain = chainText(s);
        return chain.includes(`[${B} ✗`) && /═╳═/.test(chain) && chain.includes('(gone)') && logRows(s).some((r) => r.includes(`✗ hop ${A} ↔ ${B} broken`));
      },
      5000,
      'the hop A ↔ B drawn broken (╳, (gone), ✗) and `broken` in the log',
    );
    expect(chainText(screen)).toMatch(new RegExp(`\\[${re(A)}\\]─link1 10\\.0\\.1\\.1 ═╳═ \\(gone\\)─\\[${re(B)} ✗ gone\\]`));
    expect(targetRow(screen, B)).toBeUndefined();

    // ---- a typo: the error is logged, the UI carries on ---------------------------
    t.sendKeys(':');
    await t.waitFor(promptFocused, 3000, 'the prompt to take focus again');
    await run(`koro netns ${A} adress add 10.0.9.1/24 dev link1`, /✗ +expected "address" or "route", got "adress"/, 'the parse error in the log');
    screen = t.capture();
    expect(
      logRows(screen).some((r) => r.includes(`✗ koro netns ${A} adress add`)),
      logRows(screen).join('\n'),
    ).toBe(true);
    expect(t.paneDead).toBe(false);
    await run(`koro netns ${A} address add 10.0.9.1/24 dev lo`, new RegExp(`added 10\\.0\\.9\\.1/24 on ${re(A)}:lo`), 'the next, correct line to run after the error');

    // ---- a smaller terminal: the frame is redrawn to fit -------------------------------
    t.resize(80, 24);
    screen = await t.waitFor(
      (s) => {
        const lines = s.split('\n');
        return lines.length === 24 && cells(lines[1]!) === 80 && lines[1]!.endsWith('╮') && panel(s, 'log')?.width === 40;
      },
      3000,
      'the frame redrawn at 80 columns',
    );
    {
      const lines = screen.split('\n');
      for (const [i, line] of lines.entries()) expect(cells(line), `line ${i} fits in 80 cells:\n${screen}`).toBeLessThanOrEqual(80);
      expect(lines[0]).toMatch(/^ chainmail {2}docker/);
      // at 80 columns the counts keep their place and the key hint (also on the prompt line) goes
      expect(lines[0]).toMatch(/ · links \d+.* · health \d+\/\d+ ok/);
      // header, the panels, then the prompt: every panel row closed by a border in the last column
      const promptRow = lines.findIndex((l) => /^ : /.test(l));
      expect(promptRow, screen).toBeGreaterThan(10);
      expect(lines[promptRow]).toContain('Tab completes');
      for (const line of lines.slice(1, promptRow)) {
        expect([cells(line), line[0], line.at(-1)], `framed row "${line}"`).toEqual([80, expect.stringMatching(/[╭│╰]/), expect.stringMatching(/[╮│╯]/)]);
      }
      expect(chainText(screen), screen).toContain(`[${A}]`);
    }

    // ---- help, then quit -------------------------------------------------------------
    t.sendKeys('Escape');
    await t.waitFor(promptIdle, 3000, 'the prompt to let go after Esc');
    t.sendKeys('?');
    screen = await t.waitFor(/closes this help/, 3000, 'the help overlay');
    {
      // at 80x24 the commands stand in two columns: a verb starts a row or a second column
      const lines = screen.split('\n');
      for (const verb of PROMPT_VERBS) {
        const listed = new RegExp(`(^│ | {2,})${verb.replace(/[-]/g, '\\$&')}( |$| *│)`);
        expect(
          lines.some((l) => listed.test(l)),
          `help lists ${verb}:\n${screen}`,
        ).toBe(true);
      }
      expect(screen).toMatch(/q {2}Ctrl-C +quit/);
    }
    t.sendKeys('x');
    await t.waitFor((s) => /^ chainmail /.test(s) && !s.includes('closes this help'), 3000, 'any key to close help');
    expect(t.paneDead).toBe(false);

    t.sendKeys('q');
    const exit = await t.waitForExit(5000);
    expect(exit.status, `chainmail exits 0 on q:\n${exit.screen}`).toBe(0);
    // the terminal is given back as it was: cooked mode with echo, the
    // alternate screen left (the report is on the normal one), the cursor shown
    expect(exit.tty).toBe('icanon echo');
    expect(t.display('#{alternate_on} #{cursor_flag}')).toBe('0 1');
    expect(exit.screen).not.toMatch(/chainmail {2}docker|[╭╰]/);
    await t.closeAfterExit();

    expect(appearedMs).toBeLessThan(2000);
  });

  it('draws the same, in colour, with DEV=true and NODE_ENV=development in its environment', async () => {
    // with CI=true too (TmuxTerminal.start). The bundle settles all three for Ink and React
    // (scripts/bundle-settings.mjs): with DEV=true Ink would load React's devtools and read its own
    // package.json, which the bundle does not carry
    const t = TmuxTerminal.start({ width: 100, height: 30, env: { DEV: 'true', NODE_ENV: 'development' } });
    term = t;
    await t.waitFor(/^ chainmail .*netns \d+/, 10_000, 'the UI to start');
    expect(hasForegroundColour(t.captureStyled()), `foreground colours on the screen:\n${t.captureStyled()}`).toBe(true);
    t.sendKeys('q');
    const exit = await t.waitForExit(5000);
    expect(exit.status, exit.screen).toBe(0);
    expect(exit.screen).not.toMatch(/devtools|DEV is set/i);
    await t.closeAfterExit();
  });

  // ---- bugs found by this file: these fail until the UI is fixed -------------------

  it('a filter typed and confirmed in one read (a pasted line, fast typing) filters by the text and keeps the frame', async () => {
    const stem = uniqueName('f');
    const A = scratch.adoptNetns(`${stem}a`);
    createNetns(A);
    const t = TmuxTerminal.start({ width: 100, height: 30 });
    term = t;
    await t.waitFor((s) => chainText(s).includes(`[${A}]`), 10_000, `the UI to show ${A}`);
    t.sendKeys('/');
    await t.waitFor((s) => panel(s, 'targets /')?.title === 'targets /█', 3000, 'the targets filter to open');
    // what a terminal sends for a pasted line, or for Enter typed right after
    // the text while the program was busy: text and CR in one read
    t.typeText(`${stem}\r`);
    const screen = await t.waitFor((s) => panel(s, 'targets /')?.title === `targets /${stem}` && targetRow(s, A) !== undefined, 2000).catch(() => t.lastScreen);
    // with the CR taken as a character the filter matches nothing, stays open,
    // and the CR in the panel title sends the cursor to column 0: the title row
    // loses its left border (so no panel titled `targets` is found on the screen)
    expect(panel(screen, 'targets')?.title ?? '(the targets title row is not framed)', screen).toBe(`targets /${stem}`);
    expect(targetRow(screen, A), screen).toMatch(/^▸ /);
  });

  it('a chain drawing taller than its panel is cut at the bottom, not garbled', async () => {
    // one hop and enough lone namespaces that the drawing needs more rows
    // than the chain panel has at 80x24 (7), but fits at 80x50
    const stem = uniqueName('o');
    const names = Array.from({ length: 23 }, (_, i) => scratch.adoptNetns(`${stem}${String(i).padStart(2, '0')}`));
    for (const n of names) createNetns(n);
    const [A, B] = names as [string, string];
    ip(A, ['link', 'add', 'name', 'x1', 'type', 'veth', 'peer', 'name', 'x2', 'netns', B]);

    const t = TmuxTerminal.start({ width: 80, height: 50 });
    term = t;
    // the hop's rate shows from the counters' second reading on: waiting for it keeps the two drawings compared below alike;
    // a veth made with plain ip stays down until set up, so the hop is drawn ⇣ down
    await t.waitFor(
      (s) => new RegExp(`\\[${re(A)}\\]─x1 ═(?:\\?|⇣ down) \\d+pps═ x2─`).test(chainText(s)) && names.every((n) => chainText(s).includes(`[${n}]`)),
      10_000,
      'the whole drawing at 80x50',
    );
    const full = panel(await t.waitForQuiet(), 'chain')!.rows;
    while (full.at(-1) === '') full.pop();

    t.resize(80, 24);
    await t.waitFor((s) => s.split('\n').length === 24 && (panel(s, 'chain')?.rows.length ?? 99) < 10, 3000, 'the redraw at 80x24');
    const screen = await t.waitForQuiet();
    const shown = panel(screen, 'chain')!.rows;
    expect(full.length, 'the drawing is taller than the small panel').toBeGreaterThan(shown.length);
    // every row but the last as in the full drawing; the last may say that more follows
    expect(shown.slice(0, -1), `chain panel at 80x24:\n${screen}\nfull drawing:\n${full.join('\n')}`).toEqual(full.slice(0, shown.length - 1));
    const last = shown.at(-1)!;
    expect(last === full[shown.length - 1] || last.includes('…'), `last row "${last}" is the next one or says more follow`).toBe(true);
  });
});
