#!/usr/bin/env node
/**
 * npm's "prepare": builds dist/ (what bin/chainmail.js runs). npm runs it
 * after `npm ci` or `npm install` in a checkout, before `npm pack` and
 * `npm publish`, and in the clone of a git URL it installs. The one build
 * step: a tarball carries dist/bundle/, so installing one builds nothing.
 *
 * Two cases need more than `npm run build`:
 * - the build tools (devDependencies) are missing, as after `npm ci
 *   --omit=dev` or an install that left them out: they are installed first;
 * - `npm install -g git+URL`: npm (npm/cli#8440) prepares the clone with a
 *   global install, so no devDependency lands beside it and the build cannot
 *   run; a global copy then points at a deleted clone (npm/cli#4148). Refused,
 *   with the two commands that work instead.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the build needs from devDependencies: tsc and esbuild. */
export const BUILD_TOOLS = ['typescript/package.json', 'esbuild/package.json'];

export const GLOBAL_GIT_REFUSAL = [
  'chainmail: `npm install -g` from a git URL cannot build it: npm prepares the clone without',
  'its build dependencies (https://github.com/npm/cli/issues/8440). Pack it, then install the tarball:',
  '',
  '    npm pack git+URL && npm install -g ./chainmail-*.tgz',
  '',
].join('\n');

/**
 * What to do, from npm's environment and whether the build tools resolve.
 * npm sets npm_config_global for a global install and _PACOTE_NO_PREPARE_
 * while it prepares a git dependency's clone.
 * @param {Record<string, string | undefined>} env
 * @param {boolean} haveBuildTools
 * @returns {'refuse' | 'install-then-build' | 'build'}
 */
export function decide(env, haveBuildTools) {
  const global = env.npm_config_global === 'true';
  const gitClone = (env._PACOTE_NO_PREPARE_ ?? '') !== '';
  if (global && gitClone) return 'refuse';
  return haveBuildTools ? 'build' : 'install-then-build';
}

/**
 * Whether every build tool resolves from the project at root.
 * @param {string} root
 */
export function haveBuildTools(root) {
  const require = createRequire(join(root, 'package.json'));
  return BUILD_TOOLS.every((tool) => {
    try {
      require.resolve(tool);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * Runs npm with args in root; the npm that runs this script when there is one.
 * @param {string} root
 * @param {string[]} args
 */
function npm(root, args) {
  const cli = process.env.npm_execpath;
  const [cmd, argv] = cli && cli.endsWith('.js') ? [process.execPath, [cli, ...args]] : ['npm', args];
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit' });
  return r.status ?? 1;
}

function main() {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const action = decide(process.env, haveBuildTools(root));
  if (action === 'refuse') {
    process.stderr.write(GLOBAL_GIT_REFUSAL);
    return 1;
  }
  if (action === 'install-then-build') {
    process.stderr.write('chainmail: the build tools (devDependencies) are missing; installing them\n');
    // --ignore-scripts: this script is one of them; --global=false: beside the code, whatever the caller's setting
    const rc = npm(root, ['install', '--include=dev', '--no-save', '--ignore-scripts', '--global=false', '--no-audit', '--no-fund']);
    if (rc !== 0) return rc;
  }
  return npm(root, ['run', 'build']);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
