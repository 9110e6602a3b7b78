import { describe, expect, it } from 'vitest';
import { USAGE } from '../../src/parse/verb-table.js';
import { parseCommand, type Command } from '../../src/parse/verbs.js';
import { expectUsageError, words } from './helpers.js';

const parse = (line: string): Command => parseCommand(words(line));

describe('parseCommand: export', () => {
  it('a chain file or --live, and the format', () => {
    expect(parse('export chain.yaml --format containerlab')).toEqual({ verb: 'export', live: false, format: 'containerlab', file: 'chain.yaml' });
    expect(parse('export --live --format=mermaid')).toEqual({ verb: 'export', live: true, format: 'mermaid' });
  });

  it('--image IMG (or --image=IMG) with containerlab, from a file or the live host', () => {
    expect(parse('export chain.yaml --format containerlab --image alpine:3.20')).toEqual({
      verb: 'export',
      live: false,
      format: 'containerlab',
      file: 'chain.yaml',
      image: 'alpine:3.20',
    });
    expect(parse('export --image=registry:5000/team/app:1.2 --live --format containerlab')).toMatchObject({ live: true, image: 'registry:5000/team/app:1.2' });
  });

  it('kubernetes: from a chain file, with or without --image; refused with --live', () => {
    expect(parse('export chain.yaml --format kubernetes')).toEqual({ verb: 'export', live: false, format: 'kubernetes', file: 'chain.yaml' });
    expect(parse('export chain.yaml --format=kubernetes --image alpine:3.20')).toMatchObject({ format: 'kubernetes', image: 'alpine:3.20' });
    expectUsageError(() => parse('export --live --format kubernetes'), { message: '--format kubernetes exports a chain file, not --live', index: 1, word: '--live' });
    expectUsageError(() => parse('export chain.yaml --format yaml'), {
      message: 'bad --format "yaml": expected containerlab, mermaid, json or kubernetes',
      index: 3,
      word: 'yaml',
    });
  });

  it('shows --image in its usage line', () => {
    expect(USAGE.export).toContain('[--image IMG]');
  });

  it.each(['mermaid', 'json'])('refuses --image with --format %s, marking the --image token', (format) => {
    expectUsageError(() => parse(`export chain.yaml --format ${format} --image alpine`), {
      message: `--image is for --format containerlab or kubernetes only, not ${format}`,
      index: 4,
      word: '--image',
    });
    expectUsageError(() => parse(`export --image=alpine chain.yaml --format ${format}`), {
      message: `--image is for --format containerlab or kubernetes only, not ${format}`,
      index: 1,
      word: '--image=alpine',
    });
  });

  it('refuses a bad image name as chain up does, and --image without a value', () => {
    expectUsageError(() => parse('export chain.yaml --format containerlab --image a;b'), {
      message: 'bad --image: "a;b" is not an image name (e.g. busybox, chainmail-test:busybox, registry:5000/team/app:1.2)',
      index: 5,
      word: 'a;b',
    });
    expectUsageError(() => parse('export chain.yaml --format containerlab --image'), { message: '--image needs a value', index: 5 });
  });
});
