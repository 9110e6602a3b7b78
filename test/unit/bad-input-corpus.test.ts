/**
 * The malformed chain and tutorial files of the bad-input suite (issue 17),
 * through the loaders without root: each file the loader should refuse is
 * refused within a second or two by a message that names FILE:LINE: and what is
 * wrong; each that only iptables or Docker refuses (chain up asks them
 * before its first change; test/integration/bad-input.test.ts runs those)
 * loads. There are at least 100 of them.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadChainFile } from '../../src/chain/file.js';
import { ChainmailError } from '../../src/errors.js';
import { loadTutorial } from '../../src/tutorial/file.js';
import { corpusCases, writeCaseFiles } from '../support/bad-input-cases.js';

const dir = mkdtempSync(join(tmpdir(), 'cmt-corpus-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeCaseFiles({ a: 'cmt-a', b: 'cmt-b', missing: 'cmt-missing', deadPid: 0, dir, tag: 'cp' });
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('the malformed-file corpus', () => {
  it('holds at least 100 malformed chain and tutorial files', () => {
    const malformed = readdirSync(dir).filter((f) => f !== 'good.chain.yaml');
    expect(malformed.length).toBeGreaterThanOrEqual(100);
    expect(
      corpusCases()
        .map((k) => k.file)
        .sort(),
    ).toEqual(
      readdirSync(dir)
        .filter((f) => f.startsWith('c-') || f.startsWith('tut-c-'))
        .sort(),
    );
  });

  it.each(corpusCases().map((k) => [k.file, k] as const))('%s', (_file, k) => {
    const path = join(dir, k.file);
    const load = () => (k.kind === 'chain' ? loadChainFile(path) : loadTutorial(path));
    if (k.via !== 'loader') {
      expect(load).not.toThrow();
      return;
    }
    const started = performance.now();
    let error: unknown;
    try {
      load();
    } catch (err) {
      error = err;
    }
    // the CLI's own second (bad-input.test.ts) includes starting Node; this machine may be shared
    expect(performance.now() - started).toBeLessThan(2000);
    expect(error).toBeInstanceOf(ChainmailError);
    const { message, exitCode } = error as ChainmailError;
    expect(exitCode).toBe(2);
    expect(message).toMatch(new RegExp(`^${escape(path)}:${k.line ?? '\\d+'}: `));
    expect(message).toContain(k.names);
    expect(message.length).toBeLessThan(400);
  });
});
