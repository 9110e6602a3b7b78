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
 *   import.meta.url)`) are entry points of their own, next to the chunks;
 * - the shell scripts they run by path (src/sys/fan-out.sh) are copied next
 *   to the chunks, and beside tsc's output in dist/, where the same
 *   `new URL('./fan-out.sh', import.meta.url)` finds them.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleSettings } from './bundle-settings.mjs';

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
 * Our modules loaded on demand (each verb, the UI) are bundled as if each
 * imported the entry too, which holds at run time: only code the entry
 * loaded imports them. Why: esbuild cuts shared code into a chunk for each
 * set of entry points and on-demand modules that reach it, so the code the
 * entry loads on every start was spread over 19 files by which verbs also
 * use each part, and Node pays for each module it loads. Reached by all of
 * them, it is one chunk (docs/performance.md). The import goes at the end,
 * so the module's lines and source map stay as tsc made them.
 */
function entryFirst() {
  const entry = join(root, 'dist/entry/main.js');
  const onDemand = new Set();
  const compiled = readdirSync(join(root, 'dist'), { recursive: true }).filter((f) => f.endsWith('.js') && !f.startsWith('bundle'));
  for (const file of compiled) {
    const text = readFileSync(join(root, 'dist', file), 'utf8');
    for (const m of text.matchAll(/\bimport\((["'])(\.{1,2}\/[^"']+)\1\)/g)) onDemand.add(resolve(root, 'dist', dirname(file), m[2]));
  }
  if (onDemand.size === 0) reject('found no module loaded on demand: the entry-first step reads dynamic imports as import("./x.js")');
  /** @type {import('esbuild').Plugin} */
  return {
    name: 'entry-first',
    setup(b) {
      b.onLoad({ filter: /\.js$/, namespace: 'file' }, (args) => {
        if (!onDemand.has(args.path)) return undefined;
        return { contents: `${readFileSync(args.path, 'utf8')}\nimport ${JSON.stringify(entry)};\n`, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

const settings = bundleSettings(root);
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: {
    main: 'dist/entry/main.js',
    'http-server-child': 'dist/chain/http-server-child.js',
    'http-probe-child': 'dist/health/http-probe-child.js',
  },
  outdir,
  splitting: true,
  ...settings.options,
  plugins: [...(settings.options.plugins ?? []), entryFirst()],
}).catch((err) => reject(err.message));

// tsc copies no scripts: each goes beside its module in dist/ and into the bundle, under a name of its own
const scripts = readdirSync(join(root, 'src'), { recursive: true }).filter((f) => f.endsWith('.sh'));
const names = scripts.map((f) => basename(f));
if (new Set(names).size !== names.length) reject(`two scripts share a name: ${names.join(', ')}`);
for (const file of scripts) {
  mkdirSync(dirname(join(root, 'dist', file)), { recursive: true });
  copyFileSync(join(root, 'src', file), join(root, 'dist', file));
  copyFileSync(join(root, 'src', file), join(outdir, basename(file)));
}

const unused = settings.unused();
if (unused.length) reject(unused.join('\n'));

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

// execa loads on first use (src/sys/exec.ts): the one-shot verbs start no long-lived child, so
// nothing the entry imports statically may hold it
const staticImports = (file) => [...readFileSync(join(outdir, file), 'utf8').matchAll(/(?:^|\n)import\s(?:[^;]*?from\s*)?"\.\/([^"]+)"/g)].map((m) => m[1]);
const loadedAtStart = new Set(['main.js']);
for (const file of loadedAtStart) for (const dep of staticImports(file)) loadedAtStart.add(dep);
const execaEarly = [...loadedAtStart].filter((f) => /\n\/\/ node_modules\/(execa|signal-exit)\//.test(readFileSync(join(outdir, f), 'utf8')));
if (execaEarly.length) reject(`execa would load at start (in ${execaEarly.join(', ')}): import it where a child needs it`);
// the entry-first step keeps what every start loads in a few files; many more means it no longer applies
if (loadedAtStart.size > 4) reject(`every start would load ${loadedAtStart.size} files (${[...loadedAtStart].join(', ')}): see entryFirst()`);

rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);
