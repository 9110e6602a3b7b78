import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../src/parse/verb-table.js';
import { HelpOverlay, helpRows } from '../../src/ui/components/HelpOverlay.js';
import { KEY_BINDINGS } from '../../src/ui/keymap.js';
import { PROMPT_VERBS, TUI_VERBS } from '../../src/parse/verb-table.js';

function frameOf(width: number, height: number): string[] {
  const { lastFrame, unmount } = render(<HelpOverlay width={width} height={height} />);
  const lines = (lastFrame() ?? '').split('\n');
  unmount();
  return lines;
}

/** Terminal cells, not UTF-16 units (all characters used here are one cell wide). */
const cells = (line: string) => [...line].length;

describe('HelpOverlay', () => {
  // the heights grow with the verbs: a row each, and the keys, headings and frame around them
  const oneRowEach = PROMPT_VERBS.length + Math.ceil(KEY_BINDINGS.length / 2) + 5;

  it('lists every key and every verb with its usage at 100 columns, one row a verb', () => {
    const lines = frameOf(100, oneRowEach);
    const text = lines.join('\n');
    expect(lines).toHaveLength(oneRowEach);
    for (const line of lines) expect(cells(line)).toBeLessThanOrEqual(100);
    expect(lines[0]!.startsWith('╭')).toBe(true);
    expect(lines.at(-1)!.startsWith('╰')).toBe(true);
    for (const { keys, action } of KEY_BINDINGS) {
      expect(text).toContain(`${keys}`);
      expect(text).toContain(action);
    }
    const starts = lines.map((l) => l.replace(/^│ /, ''));
    for (const verb of [...VERBS, ...TUI_VERBS]) {
      expect(
        starts.some((l) => l.startsWith(verb + ' ') || l.trimEnd().replace(/ *│$/, '') === verb),
        verb,
      ).toBe(true);
    }
    expect(text).toContain('koro TARGET address add|del CIDR dev IF');
    expect(text).toContain('watch ping TARGET ADDRESS | watch http TARGET URL');
    expect(text).toContain('docker kill NAME');
    expect(text).toContain('unwatch N|all');
  });

  it("shows koko's and koro's continuation lines when there is room", () => {
    const text = frameOf(100, oneRowEach + 5).join('\n');
    expect(text).toContain('END = -d CONTAINER,IF');
    expect(text).toContain('TARGET = docker NAME');
  });

  it.each([
    [80, 24],
    [60, 20],
    [40, 10],
    [30, 6],
    [100, 3],
  ])('never overflows %ix%i', (width, height) => {
    const lines = frameOf(width, height);
    expect(lines.length).toBeLessThanOrEqual(height);
    for (const line of lines) expect(cells(line)).toBeLessThanOrEqual(width);
  });

  it('still lists every verb at the smallest screen the app allows (80x24: the overlay is 80x23)', () => {
    const text = frameOf(80, 23).join('\n');
    // at this size the commands stand side by side
    for (const verb of PROMPT_VERBS) expect(text, verb).toMatch(new RegExp(`(│ | {2})${verb}\\b`));
    expect(text).toContain('any key closes this help');
    expect(text).not.toContain('more lines');
  });

  it('says how much it had to leave out', () => {
    const text = frameOf(40, 10).join('\n');
    expect(text).toMatch(/… \d+ more lines: enlarge/);
  });
});

describe('helpRows', () => {
  it('fits rows to the inside, truncating long usage lines with an ellipsis', () => {
    const height = PROMPT_VERBS.length + KEY_BINDINGS.length + 4;
    const rows = helpRows(60, height);
    expect(rows.length).toBeLessThanOrEqual(height);
    for (const row of rows) expect(cells(row.text)).toBeLessThanOrEqual(60);
    const fw = rows.find((r) => r.text.startsWith('fw '));
    expect(fw?.text.endsWith('…')).toBe(true);
    expect(rows.filter((r) => PROMPT_VERBS.some((v) => r.text.startsWith(v + ' ') || r.text === v))).toHaveLength(PROMPT_VERBS.length);
  });

  it('puts keys side by side when wide enough', () => {
    const wide = helpRows(96, PROMPT_VERBS.length + Math.ceil(KEY_BINDINGS.length / 2) + 9);
    const narrow = helpRows(40, PROMPT_VERBS.length + KEY_BINDINGS.length + 14);
    const keyRowCount = (rows: ReturnType<typeof helpRows>) => rows.findIndex((r) => r.text === 'commands') - 1;
    expect(keyRowCount(wide)).toBe(Math.ceil(KEY_BINDINGS.length / 2));
    expect(keyRowCount(narrow)).toBe(KEY_BINDINGS.length);
    // the inside of the overlay on the app's smallest screen (80x24, the frame a row shorter) still has two columns
    expect(helpRows(76, 21).find((r) => r.style !== 'heading')!.text).toMatch(/^: +command prompt +\/ +filter targets$/);
  });

  it('is empty when there is no inside at all', () => {
    expect(helpRows(0, 10)).toEqual([]);
    expect(helpRows(10, 0)).toEqual([]);
  });
});
