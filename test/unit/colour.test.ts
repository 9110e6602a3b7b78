/**
 * src/sys/colour.ts: the one place colour is decided. The terminal's depth
 * comes from the terminal, not from chalk's reading of the environment
 * (which finds none wherever CI is set): CI and NO_COLOR change nothing
 * there; NO_COLOR (with a value), --no-color, FORCE_COLOR and TERM=dumb
 * decide whether colours are used at all.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { forcedColourLevel, huesWanted, outputColourLevel, setNoColourFlag, terminalColourLevel, uiColourLevel } from '../../src/sys/colour.js';

const tty = { isTTY: true };

describe('terminalColourLevel', () => {
  it('is 0 off a terminal and on a dumb one', () => {
    expect(terminalColourLevel({ isTTY: false }, { TERM: 'xterm-256color' })).toBe(0);
    expect(terminalColourLevel({}, { TERM: 'xterm-256color' })).toBe(0);
    expect(terminalColourLevel(tty, { TERM: 'dumb' })).toBe(0);
  });

  it("follows the terminal's depth: truecolor, 256 colours, or the basic 16", () => {
    expect(terminalColourLevel(tty, { TERM: 'xterm-256color', COLORTERM: 'truecolor' })).toBe(3);
    expect(terminalColourLevel(tty, { TERM: 'xterm', COLORTERM: '24bit' })).toBe(3);
    expect(terminalColourLevel(tty, { TERM: 'tmux-256color' })).toBe(2);
    expect(terminalColourLevel(tty, { TERM: 'screen-256' })).toBe(2);
    expect(terminalColourLevel(tty, { TERM: 'xterm' })).toBe(1);
    expect(terminalColourLevel(tty, { TERM: 'linux' })).toBe(1);
    expect(terminalColourLevel(tty, {})).toBe(1);
  });

  it('does not read CI, CONTINUOUS_INTEGRATION or NO_COLOR (the panels drop colours for NO_COLOR, keeping bold and inverse)', () => {
    for (const env of [{ CI: 'true' }, { CONTINUOUS_INTEGRATION: '1' }, { NO_COLOR: '1' }]) {
      expect(terminalColourLevel(tty, { TERM: 'xterm-256color', ...env })).toBe(2);
    }
  });
});

describe('forcedColourLevel: FORCE_COLOR as chalk and Node read it', () => {
  it.each([
    [undefined, undefined],
    ['', 1],
    ['true', 1],
    ['false', 0],
    ['0', 0],
    ['1', 1],
    ['2', 2],
    ['3', 3],
    ['9', 3],
    ['yes', 1],
  ])('FORCE_COLOR=%s is %s', (value, level) => {
    expect(forcedColourLevel(value === undefined ? {} : { FORCE_COLOR: value })).toBe(level);
  });
});

describe('printed output and the UI', () => {
  const pipe = { isTTY: false };
  const term = { TERM: 'xterm-256color' };
  afterEach(() => setNoColourFlag(false));

  it.each<[string, NodeJS.ProcessEnv, { isTTY?: boolean }, number, boolean]>([
    ['a 256-colour terminal', term, tty, 2, true],
    ['a pipe', term, pipe, 0, true],
    ['NO_COLOR=1', { ...term, NO_COLOR: '1' }, tty, 0, false],
    ['NO_COLOR set but empty (no-color.org: as unset)', { ...term, NO_COLOR: '' }, tty, 2, true],
    ['TERM=dumb', { TERM: 'dumb' }, tty, 0, false],
    ['FORCE_COLOR=1 into a pipe', { ...term, FORCE_COLOR: '1' }, pipe, 1, true],
    ['FORCE_COLOR=3 on a dumb terminal', { TERM: 'dumb', FORCE_COLOR: '3' }, tty, 3, true],
    ['FORCE_COLOR=0 on a terminal', { ...term, FORCE_COLOR: '0' }, tty, 0, false],
    ['FORCE_COLOR=2 beats NO_COLOR=1', { ...term, FORCE_COLOR: '2', NO_COLOR: '1' }, pipe, 2, true],
  ])('%s: output level %s, hues %s', (_what, env, stream, level, hues) => {
    expect(outputColourLevel(stream, env)).toBe(level);
    expect(huesWanted(env)).toBe(hues);
  });

  it('--no-color beats FORCE_COLOR and the terminal', () => {
    setNoColourFlag(true);
    expect(outputColourLevel(tty, { ...term, FORCE_COLOR: '3' })).toBe(0);
    expect(huesWanted({ ...term, FORCE_COLOR: '3' })).toBe(false);
    // the UI keeps its styles (inverse cursor, bold titles): only the hues go
    expect(uiColourLevel(tty, term)).toBe(2);
  });

  it("the UI's level is the terminal's, or FORCE_COLOR's when it asks for colour", () => {
    expect(uiColourLevel(tty, { ...term, NO_COLOR: '1' })).toBe(2);
    expect(uiColourLevel(tty, { ...term, FORCE_COLOR: '3' })).toBe(3);
    expect(uiColourLevel(tty, { ...term, FORCE_COLOR: '0' })).toBe(2);
  });
});
