/**
 * What the conventional CLI added to the verbs' parsers: `--format json|table`
 * wherever --json is taken, `--` ending the options of the verbs with long
 * options, and needsRoot: the forms that only read files run as any user.
 */
import { describe, expect, it } from 'vitest';
import { VERB_TABLE } from '../../src/parse/verb-table.js';
import { jsonAsked, needsRoot, parseCommand, type Command } from '../../src/parse/verbs.js';
import { expectUsageError, words } from './helpers.js';

const parse = (line: string): Command => parseCommand(words(line));

describe('--format json|table', () => {
  it.each([
    ['ls --format json', 'ls --json'],
    ['ls --format=json', 'ls --json'],
    ['ls --format table', 'ls'],
    ['routes router --format json', 'routes router --json'],
    ['forward router --format json', 'forward router --json'],
    ['fw router list --format json', 'fw router list --json'],
    ['ping client 10.0.3.2 -c 1 --format json', 'ping client 10.0.3.2 -c 1 --json'],
    ['probe client http://10.0.3.2/ --format json', 'probe client http://10.0.3.2/ --json'],
    ['kill red --format json', 'kill red --json'],
    ['chain status x.yaml --format json', 'chain status x.yaml --json'],
    ['koko -n a,l1 -n b,l2 --format json', 'koko -n a,l1 -n b,l2 --json'],
    ['koro netns a route show --format json', 'koro netns a route show --json'],
  ])('%s is %s', (line, same) => {
    expect(parse(line)).toEqual(parse(same));
  });

  it('refuses another value, or none, naming the word', () => {
    expectUsageError(() => parse('ls --format yaml'), { message: 'bad --format "yaml": expected json or table', index: 2, word: 'yaml' });
    expectUsageError(() => parse('ls --format=yaml'), { message: 'bad --format "yaml": expected json or table', index: 1, word: '--format=yaml' });
    expectUsageError(() => parse('ls --format'), { message: '--format needs a value: json or table', index: 2 });
  });

  it("is export's own option there (containerlab|mermaid|json), untouched", () => {
    expect(parse('export x.yaml --format json')).toEqual({ verb: 'export', live: false, format: 'json', file: 'x.yaml' });
  });

  it('jsonAsked: --json, or --format json where that means --json', () => {
    expect(jsonAsked(words('ls --format json'))).toBe(true);
    expect(jsonAsked(words('ls --format=json'))).toBe(true);
    expect(jsonAsked(words('ls --json'))).toBe(true);
    expect(jsonAsked(words('ls --format table'))).toBe(false);
    expect(jsonAsked(words('export x.yaml --format json'))).toBe(false);
  });

  it('every verb that takes --json offers --format too (completion), and shows both in its usage', () => {
    for (const v of VERB_TABLE.filter((v) => v.options.includes('--json'))) {
      expect(v.options, v.name).toContain('--format');
      if (v.name !== 'koko' && v.name !== 'koro') expect(v.usage, v.name).toContain('--json|--format json|table');
    }
  });
});

describe('-- ends the options', () => {
  it('a chain file whose name starts with a dash', () => {
    expect(parse('chain up --dry-run -- -odd.yaml')).toMatchObject({ verb: 'chain', action: 'up', file: '-odd.yaml', dryRun: true });
    expect(parse('export --format json -- -odd.yaml')).toMatchObject({ verb: 'export', file: '-odd.yaml', format: 'json' });
    expect(parse('tutorial -- -odd.yaml')).toMatchObject({ verb: 'tutorial', tutorial: '-odd.yaml' });
  });

  it('after it, an option is a file', () => {
    expectUsageError(() => parse('chain up a.yaml -- --dry-run'), { message: 'unexpected "--dry-run": one chain file at a time', index: 4, word: '--dry-run' });
  });
});

describe('needsRoot', () => {
  it.each([
    ['export x.yaml --format mermaid', false],
    ['export --live --format json', true],
    ['tutorial', false],
    ['tutorial warm-up', true],
    ['tutorial warm-up --auto', true],
    ['chain up x.yaml --dry-run', false],
    ['chain up x.yaml', true],
    ['chain status x.yaml', true],
    ['help koko', false],
    ['ls', true],
    ['koko -n a,l1 -n b,l2', true],
    ['demo', true],
  ])('%s: %s', (line, root) => {
    expect(needsRoot(parse(line))).toBe(root);
  });
});
