/**
 * scripts/bundle-settings.mjs hands Ink modules of ours in place of four of its
 * imports: @alcalzone/ansi-tokenize and widest-line (src/ui/ink-cache/, the
 * same answers remembered across frames) and is-in-ci and its own utils.js
 * (never "in CI", never DEV). The ink-cache is correct only while Ink uses
 * what they return as the Ink it was written against does: reads, never
 * changes. So `ink` is pinned to one version, and this test fails when the
 * Ink files that import any of the four are not, byte for byte, the ones
 * checked. After an upgrade: read those files again (do they still only read
 * the tokens, styled characters and widths they get? still import the same
 * names?), re-measure frames without the cache (docs/performance.md), and
 * record the new hashes here.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PINNED = '6.8.0';
const root = join(import.meta.dirname, '../..');
const inkBuild = join(root, 'node_modules/ink/build');

/** Every Ink file that imports one of the four, and its sha256, for Ink 6.8.0. */
const CHECKED: Record<string, string> = {
  'ink.js': 'd0402b8f4ed689e8ad1d8036c7583217b4528496928cee23e17b85583e9860a3',
  'measure-text.js': '4562d24171af3063b91a0d965c652ebdf1e2bdf4fe7f75c6bc8664fefc77df6a',
  'output.js': 'de9078c7fc647c40cf9e32d6658fcbbee91dae9e3f6334e5f4ebfc5905fc401d',
  'reconciler.js': '33206e5904be42672999acd9dd9d37c6bb109176c836bf5469ac89a50ff773f2',
  'render-node-to-output.js': 'd0c06d2474bd6338fa807ba0a0a39fb713a197df38c7a266b9316c6dd80b3297',
  'write-synchronized.js': '8843bf2a913fc9dadae344bd8a8a4681278af0f1094fdb3b1d284c2caa01676a',
};
const REPLACED = /\bfrom\s*['"](@alcalzone\/ansi-tokenize|widest-line|is-in-ci|\.\/utils\.js)['"]/;

describe('the Ink the bundle patches', () => {
  it('is pinned to one version, and that version is installed', () => {
    // a devDependency: the bundle carries Ink, so an installed chainmail needs no copy of its own
    const ours = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    const installed = JSON.parse(readFileSync(join(root, 'node_modules/ink/package.json'), 'utf8')) as { version: string };
    expect(ours.devDependencies.ink).toBe(PINNED);
    expect(installed.version).toBe(PINNED);
  });

  it('imports the replaced modules from the files checked, unchanged', () => {
    const files = readdirSync(inkBuild, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    const importing = Object.fromEntries(
      files
        .map((f) => [f, readFileSync(join(inkBuild, f), 'utf8')] as const)
        .filter(([, text]) => REPLACED.test(text))
        .map(([f, text]) => [f, createHash('sha256').update(text).digest('hex')]),
    );
    expect(importing).toEqual(CHECKED);
  });

  it('has the utils.js the bundle replaces: isDev and nothing else', () => {
    expect(readFileSync(join(inkBuild, 'utils.js'), 'utf8')).toMatch(
      /^import process from 'node:process';\nconst isDev = \(\) => process\.env\['DEV'\] === 'true';\nexport \{ isDev \};\n/,
    );
  });
});
