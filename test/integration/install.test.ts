/**
 * Installed as a user installs it: `npm pack`, then `npm install -g` of the
 * tarball into a temporary prefix, and the installed copy run from another
 * folder: --version, the tutorial list, an export, and one koko between
 * namespaces. The install fetches chainmail's dependencies from the npm
 * registry (what a user's install does too).
 *
 * The pack skips "prepare": scripts/test.sh has just built dist/, and prepare
 * would only build it again (test/unit/prepare-script.test.ts checks that
 * prepare is the one build step).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isRoot, linkDetails, REPO, Scratch } from '../support/kernel.js';

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { name: string; version: string };
const scratch = new Scratch();
afterEach(() => scratch.cleanup());

let tmp = '';
let prefix = '';
let installed = '';

function run(file: string, args: readonly string[], cwd: string, timeout = 60_000): { code: number; stdout: string; stderr: string } {
  // PATH first: `chainmail` is found as a user finds it; NO_COLOR: plain text to match
  const env = { ...process.env, PATH: `${prefix}/bin:${process.env.PATH ?? ''}`, NO_COLOR: '1' };
  const r = spawnSync(file, args, { cwd, env, encoding: 'utf8', timeout });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The installed `chainmail`, run from the temporary folder (not the checkout). */
const chainmail = (args: readonly string[]) => run('chainmail', args, tmp);

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'cmt-install-'));
  prefix = join(tmp, 'prefix');
  installed = join(prefix, 'lib/node_modules', pkg.name);
  const pack = run('npm', ['pack', '--ignore-scripts', '--pack-destination', tmp], REPO);
  expect(pack.code, pack.stderr).toBe(0);
  const tarball = join(tmp, `${pkg.name}-${pkg.version}.tgz`);
  expect(existsSync(tarball), `npm pack wrote ${tarball}`).toBe(true);
  // --prefer-offline: what npm's cache holds already need not be fetched again
  const install = run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], tmp, 170_000);
  expect(install.code, install.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the packed tarball, installed with npm install -g', () => {
  it('carries the program, its files and no sources', () => {
    const top = readdirSync(installed).sort();
    expect(top).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'bin', 'dist', 'docs', 'examples', 'package.json', 'tutorials']));
    for (const absent of ['src', 'test', 'scripts', 'bench', 'tsconfig.json']) expect(top).not.toContain(absent);
    expect(readdirSync(join(installed, 'dist'))).toEqual(['bundle']);
    // the bundle carries Ink, React, yaml and the rest: only dockerode (kept outside it) is installed beside it
    const deps = readdirSync(join(installed, 'node_modules'));
    expect(deps).toContain('dockerode');
    for (const bundled of ['ink', 'react', 'yaml', 'commander', 'execa', 'chalk', 'typescript', 'esbuild']) expect(deps).not.toContain(bundled);
  });

  it('prints its version', () => {
    const r = chainmail(['--version']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('lists the built-in tutorials', () => {
    const r = chainmail(['tutorial']);
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['warm-up', 'service-chain', 'failure-repair']) expect(r.stdout).toContain(name);
  });

  it('exports an example chain file it carries', () => {
    const r = chainmail(['export', join(installed, 'examples/service-chain.yaml'), '--format', 'containerlab']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^name: service-chain$/m);
    expect(r.stdout).toMatch(/^topology:$/m);
  });

  it.skipIf(!isRoot)('links two namespaces with koko', () => {
    const a = scratch.netns('ia');
    const b = scratch.netns('ib');
    const r = chainmail(['koko', '-n', `${a},in1,10.77.0.1/24`, '-n', `${b},in2,10.77.0.2/24`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`created veth ${a}:in1 .*<-> ${b}:in2`));
    expect(linkDetails(a, 'in1')?.linkinfo?.info_kind).toBe('veth');
    expect(linkDetails(b, 'in2')?.addr_info?.map((x) => `${x.local}/${x.prefixlen}`)).toContain('10.77.0.2/24');
  });

  it.skipIf(!isRoot)('reads every namespace through the fan-out script it carries (ls --json)', () => {
    expect(readdirSync(join(installed, 'dist/bundle'))).toContain('fan-out.sh');
    const a = scratch.netns('ic');
    const r = chainmail(['ls', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const targets = (JSON.parse(r.stdout) as { targets: Array<{ name: string; error?: string; interfaces: Array<{ name: string }> }> }).targets;
    const mine = targets.find((t) => t.name === a);
    expect(mine?.error).toBeUndefined();
    expect(mine?.interfaces.map((i) => i.name)).toContain('lo');
  });
});
