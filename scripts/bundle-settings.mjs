/**
 * How the bundle is built, apart from what goes in it: the esbuild options
 * and plugins that settle, at build time, what Ink and React would otherwise
 * decide from the environment as they load, and the Ink patch
 * (src/ui/ink-cache/). scripts/bundle.mjs builds the program with them;
 * bench/frames.mjs builds its frame-timing harness with them, with and
 * without the Ink patch.
 */
import { dirname, join } from 'node:path';

const fromInk = (/** @type {string} */ importer) => /[\\/]node_modules[\\/]ink[\\/]build[\\/]/.test(importer);

/**
 * Ink's imports of these go to src/ui/ink-cache/ (tsc's output of it): the
 * same functions, remembering their answers across frames (see there), which
 * makes a frame several times cheaper (docs/performance.md). A patch of the
 * one Ink version package.json pins; test/unit/ink-patch.test.ts fails when
 * Ink's files that import them change. Only Ink's own files are pointed there.
 */
/** @type {Record<string, string>} */
const INK_CACHE = { '@alcalzone/ansi-tokenize': 'ansi-tokenize.js', 'widest-line': 'widest-line.js' };

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
 */
/** @type {Record<string, string>} */
const INK_SETTLED = {
  'is-in-ci': 'export default false;\n',
  './utils.js': 'export const isDev = () => false;\n',
};

/**
 * The options for esbuild's build() (all but what to build and where), and
 * unused(): after the build, what Ink no longer imports of what these settle
 * or replace. The build must stop then: the decision would be back in the
 * environment's hands, or every frame drawn the slow way.
 * @param {string} root
 * @param {{ inkCache?: boolean }} [opts]
 * @returns {{ options: import('esbuild').BuildOptions, unused: () => string[] }}
 */
export function bundleSettings(root, { inkCache = true } = {}) {
  /** @type {Set<string>} */
  const used = new Set();
  /** @type {import('esbuild').Plugin} */
  const cache = {
    name: 'ink-cache',
    setup(b) {
      b.onResolve({ filter: /^(@alcalzone\/ansi-tokenize|widest-line)$/ }, (args) => {
        const file = INK_CACHE[args.path];
        if (!fromInk(args.importer) || file === undefined) return undefined;
        used.add(args.path);
        return { path: join(root, 'dist/ui/ink-cache', file) };
      });
    },
  };
  /** @type {import('esbuild').Plugin} */
  const settled = {
    name: 'ink-settled',
    setup(b) {
      b.onResolve({ filter: /^(is-in-ci|\.\/utils\.js)$/ }, (args) => {
        // ./utils.js: Ink's own build/utils.js, imported from beside it
        if (!fromInk(args.importer) || (args.path === './utils.js' && !/[\\/]ink[\\/]build$/.test(dirname(args.importer)))) return undefined;
        used.add(args.path);
        return { path: args.path, namespace: 'ink-settled' };
      });
      b.onLoad({ filter: /.*/, namespace: 'ink-settled' }, (args) => ({ contents: INK_SETTLED[args.path], loader: 'js' }));
    },
  };
  const expected = [...(inkCache ? Object.keys(INK_CACHE) : []), ...Object.keys(INK_SETTLED)];
  return {
    options: {
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      chunkNames: 'chunk-[hash]',
      sourcemap: true,
      // dockerode's SSH helpers are native addons; Ink's devtools chunk (never loaded, see INK_SETTLED) imports react-devtools-core
      external: ['dockerode', 'react-devtools-core'],
      // CommonJS packages (React, commander, yaml) require Node's built-ins, which an ES module has no require for
      banner: { js: "import { createRequire as __chainmailCreateRequire } from 'node:module'; const require = __chainmailCreateRequire(import.meta.url);" },
      logLevel: 'warning',
      plugins: inkCache ? [cache, settled] : [settled],
      // React, its reconciler and its scheduler load their production build: the development one records
      // every render in the process's performance timeline and never clears it (bench/soak.mjs found the UI
      // growing by megabytes a minute under a steady stream of kernel events)
      define: { 'process.env.NODE_ENV': '"production"' },
    },
    unused: () =>
      expected
        .filter((name) => !used.has(name))
        .map((name) => `Ink no longer imports ${name}: see ${name in INK_CACHE ? 'src/ui/ink-cache/' : 'INK_SETTLED in scripts/bundle-settings.mjs'}`),
  };
}
