import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide, haveBuildTools } from '../../scripts/prepare.mjs';

const root = join(import.meta.dirname, '../..');

describe('scripts/prepare.mjs', () => {
  it('is the one lifecycle script that builds', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.prepare).toBe('node scripts/prepare.mjs');
    // npm runs prepare before pack too: a prepack or install script would build twice, or on users' machines
    for (const hook of ['prepack', 'postpack', 'preinstall', 'install', 'postinstall']) expect(pkg.scripts[hook]).toBeUndefined();
  });

  it('builds in a checkout, installing the build tools first when they are missing', () => {
    expect(decide({}, true)).toBe('build');
    expect(decide({}, false)).toBe('install-then-build');
    // `npm install -g .` from a clone, and a git URL installed into a project
    expect(decide({ npm_config_global: 'true' }, true)).toBe('build');
    expect(decide({ _PACOTE_NO_PREPARE_: 'git+https://example.org/chainmail.git#abc' }, true)).toBe('build');
    expect(decide({ npm_config_global: 'false', _PACOTE_NO_PREPARE_: 'git+https://example.org/chainmail.git#abc' }, false)).toBe('install-then-build');
  });

  it('refuses a global install from a git URL, whatever is installed', () => {
    const env = { npm_config_global: 'true', _PACOTE_NO_PREPARE_: 'git+https://example.org/chainmail.git#abc' };
    expect(decide(env, true)).toBe('refuse');
    expect(decide(env, false)).toBe('refuse');
  });

  it('finds the build tools in this checkout and not in an empty folder', () => {
    expect(haveBuildTools(root)).toBe(true);
    const empty = mkdtempSync(join(tmpdir(), 'cmt-prepare-'));
    try {
      expect(haveBuildTools(empty)).toBe(false);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('says, when it refuses, the two commands that install from git', () => {
    const env = { ...process.env, npm_config_global: 'true', _PACOTE_NO_PREPARE_: 'git+https://example.org/chainmail.git#abc' };
    const r = spawnSync(process.execPath, [join(root, 'scripts/prepare.mjs')], { env, encoding: 'utf8', timeout: 10_000 });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('npm/cli/issues/8440');
    expect(r.stderr).toContain('npm pack git+URL && npm install -g ./chainmail-*.tgz');
  });
});
