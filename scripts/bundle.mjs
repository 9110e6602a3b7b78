#!/usr/bin/env node
/**
 * Bundles tsc's output (dist/) into dist/bundle/, which bin/chainmail.js runs.
 *
 * Why: Node pays for each ES module it loads, whatever its size, and the UI
 * alone pulls in several hundred (Ink, React, yaml). Bundled, the UI's first
 * frame and every command come sooner (docs/performance.md). Verbs still
 * load on demand: each dynamic import becomes its own chunk.
 *
 * Layout rules the code relies on, checked below:
 * - every output file sits two levels below the project (dist/bundle/), as
 *   tsc's do (dist/<dir>/), so `new URL('../../tutorials/', import.meta.url)`
 *   finds the same folder from either;
 * - the child scripts spawned by path (`new URL('./http-server-child.js',
 *   import.meta.url)`) are entry points of their own, next to the chunks.
 */
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'dist/bundle');
// built beside its place and moved there only when every check passed: a rejected bundle is never run
const outdir = join(root, `dist/bundle.new-${process.pid}`);

/** Stops the build: the new bundle goes, the last good one stays. */
function reject(message) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(`bundle: ${message}`);
  process.exit(1);
}

/**
 * Ink's imports of these go to src/ui/ink-cache/ (tsc's output of it): the
 * same functions, remembering their answers across frames (see there).
 * Only Ink's own files are pointed there.
 */
const INK_CACHE = { '@alcalzone/ansi-tokenize': 'ansi-tokenize.js', 'widest-line': 'widest-line.js' };
const cachedForInk = new Set();
const inkCache = {
  name: 'ink-cache',
  setup(b) {
    b.onResolve({ filter: /^(@alcalzone\/ansi-tokenize|widest-line)$/ }, (args) => {
      if (!fromInk(args.importer)) return undefined;
      cachedForInk.add(args.path);
      return { path: join(root, 'dist/ui/ink-cache', INK_CACHE[args.path]) };
    });
  },
};

const fromInk = (importer) => /[\\/]node_modules[\\/]ink[\\/]build[\\/]/.test(importer);

/**
 * Two things Ink decides from the environment as it loads, settled here
 * instead, for every run:
 * - whether it runs "in CI" (the is-in-ci package: CI or
 *   CONTINUOUS_INTEGRATION set), where it draws no frame until the UI ends.
 *   chainmail opens its UI only on a real terminal, where someone who has CI
 *   set (a CI job driving tmux, a shell profile) still needs to see it: never.
 * - whether DEV=true (its utils.js, through an imported `process`, which
 *   `define` cannot reach), where it loads React's devtools and reads its own
 *   package.json next to its code, which the bundle does not carry: never.
 * If Ink stops importing either, the build stops (below): the decision would
 * be back in the environment's hands.
 */
const INK_SETTLED = {
  'is-in-ci': 'export default false;\n',
  './utils.js': 'export const isDev = () => false;\n',
};
const settledForInk = new Set();
const inkSettled = {
  name: 'ink-settled',
  setup(b) {
    b.onResolve({ filter: /^(is-in-ci|\.\/utils\.js)$/ }, (args) => {
      // ./utils.js: Ink's own build/utils.js, imported from beside it
      if (!fromInk(args.importer) || (args.path === './utils.js' && !/[\\/]ink[\\/]build$/.test(dirname(args.importer)))) return undefined;
      settledForInk.add(args.path);
      return { path: args.path, namespace: 'ink-settled' };
    });
    b.onLoad({ filter: /.*/, namespace: 'ink-settled' }, (args) => ({ contents: INK_SETTLED[args.path], loader: 'js' }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/cli/main.js',
    'http-server-child': 'dist/chain/http-server-child.js',
    'http-probe-child': 'dist/health/http-probe-child.js',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunk-[hash]',
  sourcemap: true,
  // dockerode's SSH helpers are native addons; Ink loads react-devtools-core only when DEV=true
  external: ['dockerode', 'react-devtools-core'],
  // CommonJS packages (React, commander, yaml) require Node's built-ins, which an ES module has no require for
  banner: { js: "import { createRequire as __chainmailCreateRequire } from 'node:module'; const require = __chainmailCreateRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [inkCache, inkSettled],
  // React, its reconciler and its scheduler load their production build: the development one records
  // every render in the process's performance timeline and never clears it (bench/soak.mjs found the UI
  // growing by megabytes a minute under a steady stream of kernel events)
  define: { 'process.env.NODE_ENV': '"production"' },
}).catch((err) => reject(err.message));

// a new Ink that imports them no more (or otherwise) would silently draw every frame the slow way
const notCached = Object.keys(INK_CACHE).filter((name) => !cachedForInk.has(name));
if (notCached.length) reject(`Ink no longer imports ${notCached.join(' and ')}: see src/ui/ink-cache/`);
const notSettled = Object.keys(INK_SETTLED).filter((name) => !settledForInk.has(name));
if (notSettled.length) reject(`Ink no longer imports ${notSettled.join(' and ')}: see ink-settled in scripts/bundle.mjs`);

// every file our code finds by `new URL('...', import.meta.url)` must be where the bundle will look for it
// (all bundle files are in outdir; third-party lookups are not ours)
const missing = [];
const sources = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => /\.tsx?$/.test(f));
for (const file of sources) {
  const text = readFileSync(join(root, 'src', file), 'utf8');
  for (const m of text.matchAll(/new URL\((["'`])([^"'`]+)\1,\s*import\.meta\.url\)/g)) {
    const target = fileURLToPath(new URL(m[2].replace(/\.tsx?$/, '.js'), `file://${outdir}/any.js`));
    if (!existsSync(target)) missing.push(`src/${file}: ${m[2]} -> ${target}`);
  }
}
if (missing.length) reject(`files the bundle looks for are not there:\n  ${missing.join('\n  ')}`);

rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);
