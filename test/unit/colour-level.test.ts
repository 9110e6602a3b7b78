/**
 * src/ui/colour-level.ts: the UI's colour level comes from the terminal it
 * opens on, not from chalk's reading of the environment (which finds none
 * wherever CI is set): CI and NO_COLOR change nothing here.
 */
import { describe, expect, it } from 'vitest';
import { terminalColourLevel } from '../../src/ui/colour-level.js';

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
