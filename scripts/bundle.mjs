#!/usr/bin/env node
/**
 * Bundles tsc's output (dist/) into dist/bundle/, which bin/chainmail.js runs.
 *
 * Why: in this kind of VM each ES module costs Node 0.5 to 1 ms to load,
 * whatever its size, and the UI alone pulls in several hundred (Ink, React,
 * yaml's fifty files). Bundled, the UI's first frame comes about 300 ms
 * sooner and `chain up` about 20 ms (README, Performance). Verbs still load
 * on demand: each dynamic import becomes its own chunk.
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
      if (!/[\\/]node_modules[\\/]ink[\\/]build[\\/]/.test(args.importer)) return undefined;
      cachedForInk.add(args.path);
      return { path: join(root, 'dist/ui/ink-cache', INK_CACHE[args.path]) };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/entry/main.js',
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
  plugins: [inkCache],
  // yaml's ES module build (published as its browser build: the same code, but for !!binary values,
  // a Uint8Array rather than a Buffer, and warnings by console.warn; chainmail meets neither)
  // rather than its CommonJS one, whose fifty module wrappers cost every chain command 3 to 5 ms to run
  alias: { yaml: './node_modules/yaml/browser/index.js' },
}).catch((err) => reject(err.message));

// a new Ink that imports them no more (or otherwise) would silently draw every frame the slow way
const notCached = Object.keys(INK_CACHE).filter((name) => !cachedForInk.has(name));
if (notCached.length) reject(`Ink no longer imports ${notCached.join(' and ')}: see src/ui/ink-cache/`);

// every file our code finds by `new URL('...', import.meta.url)` must be where the bundle will look for it
// (all bundle files are in outdir; third-party lookups, such as Ink's package.json when DEV=true, are not ours)
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

// Ink, React, chalk and what they read the environment with as they load (react-reconciler,
// scheduler, is-in-ci, supports-color) must load only through src/ui/load-ui.ts, which sets CI,
// DEV and NODE_ENV for them: nothing the entry imports statically may hold them
const staticImports = (file) => [...readFileSync(join(outdir, file), 'utf8').matchAll(/(?:^|\n)import\s(?:[^;]*?from\s*)?"\.\/([^"]+)"/g)].map((m) => m[1]);
const loadedAtStart = new Set(['main.js']);
for (const file of loadedAtStart) for (const dep of staticImports(file)) loadedAtStart.add(dep);
const early = [...loadedAtStart].filter((f) => /\n\/\/ node_modules\/(react[^/]*|scheduler|ink|is-in-ci|chalk|supports-color)\//.test(readFileSync(join(outdir, f), 'utf8')));
if (early.length) reject(`Ink, React or chalk would load at start (in ${early.join(', ')}), before load-ui.ts sets their environment`);
// execa loads on first use (src/sys/exec.ts): the one-shot verbs start no long-lived child
const execaEarly = [...loadedAtStart].filter((f) => /\n\/\/ node_modules\/(execa|signal-exit)\//.test(readFileSync(join(outdir, f), 'utf8')));
if (execaEarly.length) reject(`execa would load at start (in ${execaEarly.join(', ')}): import it where a child needs it`);

rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);
