/**
 * src/entry/completion.ts: what `chainmail __complete` offers a shell, from
 * the verb table and the prompt's completion rules (the same words the
 * prompt offers), and the scripts that ask for it.
 */
import { describe, expect, it } from 'vitest';
import { completionScript, shellOffer } from '../../src/entry/completion.js';
import { VERBS } from '../../src/parse/verb-table.js';
import type { CompletionContext } from '../../src/ui/completion.js';

const ctx: CompletionContext = {
  targets: ['host', 'client', 'firewall', 'router'],
  interfaces: { client: ['lo', 'link1'], router: ['lo', 'link4', 'link5'], host: ['eth0'] },
};
const none: CompletionContext = { targets: [], interfaces: {} };

/** The words after `chainmail`, the last one being typed. */
const offer = (line: string, c: CompletionContext = ctx, tutorials: string[] = []) => shellOffer(line.split(' '), c, tutorials);

describe('shellOffer', () => {
  it('the first word: the verbs, help, version, completion; options after a dash', () => {
    expect(offer('').words).toEqual([...VERBS, 'help', 'version', 'completion']);
    expect(offer('ko').words).toEqual(['koko', 'koro']);
    expect(offer('c').words).toEqual(['capture', 'chain', 'completion']);
    expect(offer('--').words).toEqual(['--help', '--version', '--no-color']);
    expect(offer('--no-color ko').words).toEqual(['koko', 'koro']);
  });

  it('help VERB and completion SHELL', () => {
    expect(offer('help exp').words).toEqual(['export']);
    expect(offer('completion ').words).toEqual(['bash', 'zsh', 'fish']);
    expect(offer('completion bash ').words).toEqual([]);
  });

  it("each verb's long options, from the verb table", () => {
    expect(offer('ls --').words).toEqual(['--json', '--format']);
    expect(offer('export x.yaml --').words).toEqual(['--live', '--format', '--image', '--as']);
    expect(offer('chain up x.yaml --d').words).toEqual(['--dry-run', '--docker', '--dead']);
    expect(offer('ls --format ').words).toEqual(['json', 'table']);
    expect(offer('export x.yaml --format ').words).toEqual(['containerlab', 'mermaid', 'json', 'kubernetes']);
    expect(offer('chain heal x.yaml --policy ').words).toEqual(['bypass', 'reattach']);
    expect(offer('export x.yaml --format containerlab --image ').words).toEqual([]);
  });

  it('chain files and tutorials: the shell adds file names', () => {
    expect(offer('chain ')).toEqual({ words: ['up', 'status', 'heal', 'down'], files: false });
    expect(offer('chain up ')).toEqual({ words: [], files: true });
    expect(offer('chain up --dry-run ')).toEqual({ words: [], files: true });
    expect(offer('chain up x.yaml ')).toEqual({ words: [], files: false });
    expect(offer('export ')).toEqual({ words: [], files: true });
    expect(offer('export --live ')).toEqual({ words: [], files: false });
    expect(offer('tutorial w', ctx, ['warm-up', 'service-chain'])).toEqual({ words: ['warm-up'], files: true });
  });

  it('targets and interfaces, as the prompt offers them', () => {
    expect(offer('routes ').words).toEqual(['host', 'client', 'firewall', 'router']);
    expect(offer('forward router ').words).toEqual(['on', 'off']);
    expect(offer('koro router route add default dev ').words).toEqual(['lo', 'link4', 'link5']);
    // a koko endpoint goes on after its comma
    expect(offer('koko -d cl').words).toEqual(['client,']);
    expect(offer('koko -d client,l').words).toEqual(['client,lo', 'client,link1']);
    expect(offer('koko -').words).toContain('-d');
  });

  it('no targets when none could be read (not root)', () => {
    expect(offer('routes ', none).words).toEqual([]);
    expect(offer('koro ', none).words).toEqual(['docker', 'netns', 'ipnetns', 'pid', 'address', 'route']);
  });
});

describe('completionScript', () => {
  it.each(['bash', 'zsh', 'fish'] as const)('%s asks chainmail __complete and falls back to file names on :files', (shell) => {
    const script = completionScript(shell);
    expect(script).toContain('__complete');
    expect(script).toContain(':files');
  });

  it('bash registers _chainmail for chainmail', () => {
    expect(completionScript('bash')).toMatch(/^complete -F _chainmail chainmail$/m);
  });
});
