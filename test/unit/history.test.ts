import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommandHistory, DEFAULT_HISTORY_PATH } from '../../src/ui/history.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainmail-history-'));
  file = join(dir, 'history');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const memory = (...lines: string[]): CommandHistory => {
  const h = new CommandHistory({ path: null });
  for (const line of lines) h.add(line);
  return h;
};
const modeOf = (path: string): number => statSync(path).mode & 0o777;

describe('CommandHistory: adding', () => {
  it('skips blank lines and immediate repeats, trims, keeps older repeats', () => {
    const h = memory('ls', '  ', '', 'ls', ' routes a ', 'ls', 'ls');
    expect(h.entries).toEqual(['ls', 'routes a', 'ls']);
  });

  it('keeps the newest entries up to the limit (1000 by default)', () => {
    const h = memory(...Array.from({ length: 1005 }, (_, i) => `ping a 10.0.0.${i}`));
    expect(h.entries).toHaveLength(1000);
    expect(h.entries[0]).toBe('ping a 10.0.0.5');
    expect(memory('a', 'b', 'c').limit).toBe(1000);
    const small = new CommandHistory({ path: null, limit: 2 });
    ['a', 'b', 'c'].forEach((l) => small.add(l));
    expect(small.entries).toEqual(['b', 'c']);
  });

  it('refuses lines with control characters (they would break the file)', () => {
    expect(memory('ls\nquit', 'a\x1b[2J').entries).toEqual([]);
  });

  it('uses ~/.chainmail_history unless told otherwise', () => {
    expect(DEFAULT_HISTORY_PATH.endsWith('/.chainmail_history')).toBe(true);
  });
});

describe('CommandHistory: navigation keeps the draft', () => {
  it('walks back and forth and returns the draft at the bottom', () => {
    const h = memory('one', 'two', 'three');
    expect(h.previous('dra')).toBe('three');
    expect(h.previous('three')).toBe('two');
    expect(h.previous('two')).toBe('one');
    expect(h.previous('one')).toBeUndefined();
    expect(h.next()).toBe('two');
    expect(h.next()).toBe('three');
    expect(h.next()).toBe('dra');
    expect(h.next()).toBeUndefined();
  });

  it('does not overwrite the draft with a recalled entry', () => {
    const h = memory('one', 'two');
    h.previous('draft');
    h.previous('two (edited)');
    h.next();
    expect(h.next()).toBe('draft');
  });

  it('starts at the bottom again after add and reset', () => {
    const h = memory('one', 'two');
    h.previous('');
    h.previous('');
    h.add('three');
    expect(h.previous('x')).toBe('three');
    h.reset();
    expect(h.previous('')).toBe('three');
    expect(h.next()).toBe('');
  });

  it('has nothing to give when empty', () => {
    const h = memory();
    expect(h.previous('typed')).toBeUndefined();
    expect(h.next()).toBeUndefined();
  });
});

describe('CommandHistory: the file', () => {
  it('appends each added line and loads them back', () => {
    const h = new CommandHistory({ path: file });
    h.add('koko -d a,l1 -d b,l2');
    h.add('koro docker a address add 10.0.1.1/24 dev l1');
    h.add('koro docker a address add 10.0.1.1/24 dev l1');
    expect(readFileSync(file, 'utf8')).toBe('koko -d a,l1 -d b,l2\nkoro docker a address add 10.0.1.1/24 dev l1\n');
    const again = new CommandHistory({ path: file });
    expect(again.entries).toEqual(['koko -d a,l1 -d b,l2', 'koro docker a address add 10.0.1.1/24 dev l1']);
    expect(again.previous('')).toBe('koro docker a address add 10.0.1.1/24 dev l1');
    expect(again.error).toBeUndefined();
  });

  it('loads only the newest entries of a long file, and CRLF files', () => {
    writeFileSync(file, Array.from({ length: 5 }, (_, i) => `ls ${i}`).join('\r\n') + '\r\n\r\n');
    expect(new CommandHistory({ path: file, limit: 3 }).entries).toEqual(['ls 2', 'ls 3', 'ls 4']);
  });

  it('a missing file is an empty history, not an error', () => {
    const h = new CommandHistory({ path: join(dir, 'none') });
    expect(h.entries).toEqual([]);
    expect(h.error).toBeUndefined();
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('creates the file with mode 0600', () => {
    const h = new CommandHistory({ path: file });
    h.add('ls');
    expect(modeOf(file)).toBe(0o600);
  });

  it('never changes the mode of an existing file', () => {
    writeFileSync(file, 'ls\n');
    chmodSync(file, 0o644);
    const h = new CommandHistory({ path: file });
    h.add('routes a');
    expect(modeOf(file)).toBe(0o644);
    expect(readFileSync(file, 'utf8')).toBe('ls\nroutes a\n');
  });

  it('an unreadable file gives an error, not an exception, and history still works in memory', () => {
    mkdirSync(file); // reading a directory fails even as root
    const h = new CommandHistory({ path: file });
    expect(h.error).toMatch(/^cannot read history .*history: EISDIR/);
    expect(() => h.add('ls')).not.toThrow();
    expect(h.error).toMatch(/^cannot write history .*history: EISDIR/);
    expect(h.entries).toEqual(['ls']);
    expect(h.previous('')).toBe('ls');
  });

  it.runIf(process.getuid?.() !== 0)('a file without read permission gives an error (not as root)', () => {
    writeFileSync(file, 'ls\n', { mode: 0o200 });
    const h = new CommandHistory({ path: file });
    expect(h.error).toMatch(/^cannot read history .*EACCES/);
    expect(h.entries).toEqual([]);
  });

  it('an unwritable place gives an error, not an exception', () => {
    const h = new CommandHistory({ path: join(dir, 'missing-dir', 'history') });
    expect(h.error).toBeUndefined();
    h.add('ls');
    expect(h.error).toMatch(/^cannot write history .*ENOENT/);
  });
});
