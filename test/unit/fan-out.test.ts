/**
 * The fan-out helper's protocol (src/sys/fan-out-output.ts): item lines in,
 * delimited output split back into each namespace's own, whole.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { dealItems, itemLine, splitDelimited, unsafeItemPath } from '../../src/sys/fan-out-output.js';

const MARK = 'chainmail-fan-out-0123abcd';
/** What fan-out.sh writes after an item's output. */
const delimiter = (index: number, status: number) => `\n${MARK} ${index} ${status}\n`;

describe('splitDelimited', () => {
  it('gives each item its output and status, in the order they ran', () => {
    const text = `[{"ifname":"lo"}]\n${delimiter(0, 0)}${delimiter(3, 1)}two\nlines\n${delimiter(6, 0)}`;
    expect(splitDelimited(text, MARK)).toEqual({
      sections: [
        { index: 0, status: 0, text: '[{"ifname":"lo"}]\n' },
        { index: 3, status: 1, text: '' },
        { index: 6, status: 0, text: 'two\nlines\n' },
      ],
      rest: '',
    });
  });

  it('keeps an output that does not end its last line', () => {
    expect(splitDelimited(`no newline${delimiter(2, 0)}`, MARK).sections).toEqual([{ index: 2, status: 0, text: 'no newline' }]);
  });

  it('reads the last delimiter without its newline (exec.ts trims one)', () => {
    expect(splitDelimited(`x${delimiter(0, 0)}y${delimiter(1, 2)}`.slice(0, -1), MARK)).toEqual({
      sections: [
        { index: 0, status: 0, text: 'x' },
        { index: 1, status: 2, text: 'y' },
      ],
      rest: '',
    });
  });

  it('leaves what an unfinished item wrote (the helper was stopped) as the rest', () => {
    expect(splitDelimited(`a${delimiter(0, 0)}half of b`, MARK)).toEqual({ sections: [{ index: 0, status: 0, text: 'a' }], rest: 'half of b' });
    expect(splitDelimited('killed early', MARK)).toEqual({ sections: [], rest: 'killed early' });
    expect(splitDelimited('', MARK)).toEqual({ sections: [], rest: '' });
  });

  it('takes only its own mark, at the start of a line, as a delimiter', () => {
    const text = `${MARK} 9 9 not after a newline\nchainmail-fan-out-other 1 0\n${MARK}x 1 0\n${delimiter(4, 0)}`;
    expect(splitDelimited(text, MARK).sections).toEqual([{ index: 4, status: 0, text: text.slice(0, -delimiter(4, 0).length) }]);
  });

  it('gives back every output whole, whatever it holds', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ text: fc.string({ unit: 'binary' }), status: fc.integer({ min: 0, max: 255 }) }), { maxLength: 8 }), (items) => {
        const text = items.map((item, i) => item.text + delimiter(i, item.status)).join('');
        const parsed = splitDelimited(text, MARK);
        expect(parsed.rest).toBe('');
        expect(parsed.sections).toEqual(items.map((item, i) => ({ index: i, status: item.status, text: item.text })));
      }),
    );
  });
});

describe('itemLine and unsafeItemPath', () => {
  it('writes INDEX, INPUT and the namespace file, tab-separated, one line', () => {
    expect(itemLine(12, '/tmp/chainmail-fan-out-x/12', '/var/run/netns/red')).toBe('12\t/tmp/chainmail-fan-out-x/12\t/var/run/netns/red\t\n');
    expect(itemLine(0, '/dev/null', '/proc/4121/ns/net')).toBe('0\t/dev/null\t/proc/4121/ns/net\t\n');
    // and the ip netns name, for `ip -n NAME`
    expect(itemLine(3, '/dev/null', '/var/run/netns/red', 'red')).toBe('3\t/dev/null\t/var/run/netns/red\tred\n');
  });

  it('refuses a path the line cannot carry', () => {
    expect(['a\tb', 'a\nb', 'a\rb', ''].map(unsafeItemPath)).toEqual([true, true, true, true]);
    expect(['/var/run/netns/with space', '/proc/1/ns/net'].map(unsafeItemPath)).toEqual([false, false]);
  });
});

describe('dealItems', () => {
  it('deals items round the helpers, none left out and none twice', () => {
    expect(dealItems(7, 3)).toEqual([
      [0, 3, 6],
      [1, 4],
      [2, 5],
    ]);
    expect(dealItems(2, 4)).toEqual([[0], [1]]);
    expect(dealItems(0, 4)).toEqual([]);
    expect(dealItems(3, 0)).toEqual([[0, 1, 2]]);
  });
});
