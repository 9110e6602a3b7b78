/** Finding a program as a shell does (src/sys/which.ts), against a folder of the test's own. */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findProgram, onPath } from '../../src/sys/which.js';

const dir = mkdtempSync(join(tmpdir(), 'cmt-which-'));
const runnable = join(dir, 'cmt-prog');
const plain = join(dir, 'cmt-plain');
writeFileSync(runnable, '#!/bin/sh\n');
chmodSync(runnable, 0o755);
writeFileSync(plain, 'not a program\n');
chmodSync(plain, 0o644);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('onPath and findProgram', () => {
  it('a bare name is looked up on PATH, skipping empty entries and files that do not run', () => {
    expect(onPath('cmt-prog', `::/nonexistent:${dir}`)).toBe(runnable);
    expect(findProgram('cmt-prog', dir)).toBe(runnable);
    expect(findProgram('cmt-missing', dir)).toBeUndefined();
    // root may read any file, but X_OK still asks for an execute bit
    expect(findProgram('cmt-plain', dir)).toBeUndefined();
  });

  it('a word with a slash is a path, used as it is and never looked up on PATH', () => {
    expect(findProgram(runnable, '')).toBe(runnable);
    expect(findProgram(plain, dir)).toBeUndefined();
    expect(findProgram('./cmt-prog', dir)).toBeUndefined();
  });
});
