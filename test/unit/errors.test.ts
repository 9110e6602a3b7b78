import { describe, expect, it } from 'vitest';
import {
  ChainmailError,
  escapeControl,
  EXIT_FAILED,
  EXIT_TARGET,
  EXIT_USAGE,
  KernelError,
  markToken,
  quoteForDisplay,
  TargetError,
  UsageError,
} from '../../src/errors.js';

describe('error classes', () => {
  it('exit codes are 2 for usage, 3 for targets, 1 for kernel refusals', () => {
    expect([EXIT_USAGE, EXIT_TARGET, EXIT_FAILED]).toEqual([2, 3, 1]);
  });

  it('ChainmailError defaults to exit code 1 and no context', () => {
    const err = new ChainmailError('boom');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ChainmailError');
    expect(err.message).toBe('boom');
    expect(err.exitCode).toBe(1);
    expect(err.context).toEqual([]);
  });

  it('UsageError carries exit code 2, the location, and a context of marker plus usage', () => {
    const location = { words: ['koro', 'docker', 'client', 'address', 'ad'], index: 4 };
    const err = new UsageError('expected "add", got "ad"', location, 'koro TARGET address add|del CIDR dev IF');
    expect(err).toBeInstanceOf(ChainmailError);
    expect(err.name).toBe('UsageError');
    expect(err.exitCode).toBe(2);
    expect(err.location).toBe(location);
    expect(err.expected).toBe('koro TARGET address add|del CIDR dev IF');
    expect(err.context).toEqual(['  koro docker client address ad', '                             ^^', '  usage: koro TARGET address add|del CIDR dev IF']);
  });

  it('UsageError without a location or usage has an empty context', () => {
    const err = new UsageError('missing verb');
    expect(err.context).toEqual([]);
    expect(err.location).toBeUndefined();
  });

  it('TargetError exits with 3 and keeps its context lines', () => {
    const err = new TargetError('no container "web"', ['  docker ps shows the running ones']);
    expect(err.name).toBe('TargetError');
    expect(err.exitCode).toBe(3);
    expect(err.context).toEqual(['  docker ps shows the running ones']);
  });

  it('KernelError exits with 1 and keeps the raw text verbatim', () => {
    const raw = 'RTNETLINK answers: File exists\n';
    const err = new KernelError('failed to add route: it already exists', raw, ['  kernel said: RTNETLINK answers: File exists']);
    expect(err.name).toBe('KernelError');
    expect(err.exitCode).toBe(1);
    expect(err.raw).toBe(raw);
    expect(err.context).toEqual(['  kernel said: RTNETLINK answers: File exists']);
  });
});

describe('escapeControl', () => {
  it('shows every control character escaped, DEL (which JSON leaves alone) too, and the rest as it is', () => {
    expect(escapeControl('a\nb\tc\x1b[31m')).toBe('a\\nb\\tc\\u001b[31m');
    expect(escapeControl('x\x7fy')).toBe('x\\u007fy');
    expect(escapeControl('unknown verb "\x7f"')).not.toMatch(/[\x00-\x1f\x7f]/);
    expect(escapeControl('plain ✓ é')).toBe('plain ✓ é');
    // a marked line shows the word as quoteForDisplay does: DEL escaped there too
    expect(quoteForDisplay('a\x7f')).toBe('"a\\u007f"');
  });
});

describe('markToken', () => {
  it('puts carets under the marked word, as wide as the word', () => {
    expect(markToken({ words: ['koro', 'docker', 'client', 'address', 'ad', '10.0.1.1/24', 'dev', 'link1'], index: 4 })).toEqual([
      'koro docker client address ad 10.0.1.1/24 dev link1',
      '                           ^^',
    ]);
  });

  it('marks the first word with no leading spaces', () => {
    expect(markToken({ words: ['kokp', '-d', 'a,l1'], index: 0 })).toEqual(['kokp -d a,l1', '^^^^']);
  });

  it('marks the last word', () => {
    expect(markToken({ words: ['ping', 'client', '10.0.300.2'], index: 2 })).toEqual(['ping client 10.0.300.2', '            ^^^^^^^^^^']);
  });

  it('an index past the end puts one caret just after the line (something is missing there)', () => {
    expect(markToken({ words: ['koko', '-d'], index: 2 })).toEqual(['koko -d', '        ^']);
  });

  it('an index far past the end is clamped to just after the line', () => {
    expect(markToken({ words: ['ls'], index: 9 })).toEqual(['ls', '   ^']);
  });

  it('a negative index gives the line alone', () => {
    expect(markToken({ words: ['ls', 'x'], index: -1 })).toEqual(['ls x']);
  });

  it('offsets account for quoted words before the marked one', () => {
    // "a b" is shown with its quotes (5 characters), so the caret moves by 6
    expect(markToken({ words: ['koko', '-d', 'a b', '-z'], index: 3 })).toEqual(['koko -d "a b" -z', '              ^^']);
  });

  it('marks a quoted word across its quotes', () => {
    expect(markToken({ words: ['koko', "it's"], index: 1 })).toEqual(['koko "it\'s"', '     ^^^^^^']);
  });

  it('marks an empty word as two quote marks', () => {
    expect(markToken({ words: ['koro', '', 'x'], index: 1 })).toEqual(["koro '' x", '     ^^']);
  });

  it('works on an empty line', () => {
    expect(markToken({ words: [], index: 0 })).toEqual(['', '^']);
  });
});

describe('quoteForDisplay', () => {
  it('leaves plain printable words alone', () => {
    for (const w of ['link1', '10.0.1.1/24', '-d', 'client,link1,10.0.1.1/24', '$(x)', 'a;b', '/var/run/netns/red']) {
      expect(quoteForDisplay(w)).toBe(w);
    }
  });

  it("shows the empty word as ''", () => {
    expect(quoteForDisplay('')).toBe("''");
  });

  it('quotes words with spaces, quotes, backslashes', () => {
    expect(quoteForDisplay('a b')).toBe('"a b"');
    expect(quoteForDisplay("it's")).toBe('"it\'s"');
    expect(quoteForDisplay('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteForDisplay('li"nk')).toBe('"li\\"nk"');
    expect(quoteForDisplay('a\\b')).toBe('"a\\\\b"');
  });

  it('makes control characters visible', () => {
    expect(quoteForDisplay('a\tb')).toBe('"a\\tb"');
    expect(quoteForDisplay('a\nb')).toBe('"a\\nb"');
    expect(quoteForDisplay('\x1b[31m')).toBe('"\\u001b[31m"');
  });

  it('quotes non-ASCII words', () => {
    expect(quoteForDisplay('linké')).toBe('"linké"');
  });
});
