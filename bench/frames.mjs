#!/usr/bin/env node
// What a frame of the UI costs, with and without the Ink patch (src/ui/ink-cache/), over a
// 50-node chain: the harness (bench/frames-harness.mjs) is bundled both ways with the
// program's own settings (scripts/bundle-settings.mjs) and the two run in turn, FRAMES_REPS
// times (5), so both see the same machine. Per run: the median time from a key to its frame
// written, and of Ink's own render of a frame (its onRender renderTime); then the medians
// of those. Run as root after `npm run build`: node bench/frames.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { bundleSettings } from '../scripts/bundle-settings.mjs';
import { median, parseJson } from './shared.mjs';

/**
 * What the harness prints for a run: the frames it saw and two medians over them.
 * @typedef {{ frames: number, key_to_frame_ms: number, ink_render_ms: number }} FrameRun
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(ROOT, 'bin', 'chainmail.js');
const REPS = Number(process.env.FRAMES_REPS ?? 5);
const NODES = 50;

if (process.getuid?.() !== 0) {
  console.error('frames: needs root (network namespaces)');
  process.exit(4);
}
const dir = mkdtempSync(join(tmpdir(), 'cmt-frames-'));
/** The harness bundled with the Ink patch and without it. */
const VARIANTS = /** @type {const} */ ([
  ['with', true],
  ['without', false],
]);
for (const [name, inkCache] of VARIANTS) {
  const settings = bundleSettings(ROOT, { inkCache });
  await build({ absWorkingDir: ROOT, entryPoints: ['bench/frames-harness.mjs'], outdir: join(dir, name), splitting: true, ...settings.options });
  if (settings.unused().length) throw new Error(settings.unused().join('\n'));
}

const nodes = Array.from({ length: NODES }, (_, i) => `cmt-bf${i}`);
const chain = join(dir, 'chain.yaml');
writeFileSync(
  chain,
  [
    `name: cmt-bf${NODES}`,
    'nodes:',
    ...nodes.map((n) => `  - ${n}`),
    'links:',
    ...nodes.slice(1).map((n, i) => `  - [${nodes[i]}:a${i}, ${n}:b${i}, 10.${i >> 8}.${i & 255}.0/24]`),
  ].join('\n') + '\n',
);
const cm = (/** @type {string[]} */ args) => {
  const r = spawnSync(BIN, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`chainmail ${args.join(' ')}: ${r.stderr}`);
};
/** @type {Record<(typeof VARIANTS)[number][0], FrameRun[]>} */
const results = { with: [], without: [] };
cm(['chain', 'up', chain]);
try {
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name] of VARIANTS) {
      const r = spawnSync(process.execPath, [join(dir, name, 'frames-harness.js')], { encoding: 'utf8', env: { ...process.env, HOME: dir } });
      const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
      if (r.status !== 0 || !line) throw new Error(`frames: the ${name} harness failed: ${r.stderr}`);
      results[name].push(/** @type {FrameRun} */ (parseJson(line)));
      console.error(`frames: ${name} ink-cache, run ${rep + 1}: ${line}`);
    }
  }
} finally {
  spawnSync(BIN, ['chain', 'down', chain]);
  rmSync(dir, { recursive: true, force: true });
}
/** @param {keyof typeof results} name @param {'key_to_frame_ms' | 'ink_render_ms'} key */
const of = (name, key) => Math.round(median(results[name].map((r) => r[key])) * 10) / 10;
console.log(`median of ${REPS} runs (each the median of ~${results.with[0]?.frames} frames), 160x50, ${NODES}-node chain:`);
console.log('                   with ink-cache   without   ratio');
for (const [label, key] of /** @type {const} */ ([
  ['key -> frame ms', 'key_to_frame_ms'],
  ['Ink render ms', 'ink_render_ms'],
])) {
  const a = of('with', key),
    b = of('without', key);
  console.log(`${label.padEnd(19)}${String(a).padStart(14)}${String(b).padStart(10)}${(b / a).toFixed(1).padStart(7)}x`);
}
