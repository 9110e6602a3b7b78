// detect: the kill seen through the UI's model (its events, no polling of ours): from a namespace's
// deletion to its hop marked broken. Each sample a fresh session, the bins in turn.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { median } from '../shared.mjs';
import { cm, importFile, order, perBin } from '../lib/bins.mjs';
import { chainYaml, nodeOf, scaleChain } from '../lib/chains.mjs';
import { r1, run, tenth } from '../lib/proc.mjs';
import { floorRow } from '../lib/section.mjs';

/** @typedef {import('../lib/bins.mjs').Bin} Bin */

/**
 * @param {string} dir
 * @param {readonly Bin[]} bins
 * @returns {Promise<import('../lib/bins.mjs').PerBin<import('../lib/section.mjs').Measured>>}
 */
async function measureDetect(dir, bins) {
  const c = scaleChain(5, 'd');
  const file = join(dir, 'detect.yaml');
  writeFileSync(file, chainYaml(c));
  cm(['chain', 'up', file]);
  // where tsc puts them, in the layout of either checkout (before and after src/ was rearranged in layers)
  const first = (/** @type {string} */ root, /** @type {string[]} */ paths) =>
    paths.map((p) => join(root, 'dist', p)).find((f) => existsSync(f)) ?? join(root, 'dist', paths[0] ?? '');
  // typed as this checkout's: the bench uses only what both checkouts' have (start, stop, the topology's targets, the broken hops)
  /** @type {Map<Bin, { Session: typeof import('#dist/ui/session/session.js').Session, createContext: typeof import('#dist/host/context.js').createContext }>} */
  const code = new Map();
  for (const b of bins) {
    code.set(b, {
      Session: /** @type {typeof import('#dist/ui/session/session.js')} */ (await importFile(first(b.root, ['ui/session/session.js', 'ui/session.js']))).Session,
      createContext: /** @type {typeof import('#dist/host/context.js')} */ (await importFile(first(b.root, ['host/context.js', 'commands/context.js']))).createContext,
    });
  }
  const samples = perBin(bins, () => ({ detect: [] }));
  const middle = nodeOf(c, 2);
  const until = async (/** @type {() => boolean | undefined} */ pred, /** @type {string} */ what, ms = 20000) => {
    const t0 = performance.now();
    while (!pred()) {
      if (performance.now() - t0 > ms) throw new Error(`detect: timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 2));
    }
  };
  try {
    for (let k = 0; k < 3; k++) {
      for (const b of order(bins, k)) {
        const bc = code.get(b);
        if (!bc) throw new Error(`detect: ${b.name}'s session not loaded`);
        const session = new bc.Session(bc.createContext());
        try {
          session.start();
          await until(() => session.state.topology?.targets.some((t) => t.ns.label === middle) && session.state.broken.size === 0, 'the chain whole');
          await new Promise((r) => setTimeout(r, 300));
          const t0 = performance.now();
          run('ip', ['netns', 'del', middle]);
          await until(() => session.state.broken.size > 0, 'the hop broken');
          samples(b).detect.push(performance.now() - t0);
        } finally {
          session.stop();
        }
        cm(['chain', 'up', file]);
      }
    }
  } finally {
    cm(['chain', 'down', file], { check: false });
  }
  return Object.fromEntries(
    bins.map((b) => {
      const ms = r1(median(samples(b).detect));
      const n = samples(b).detect.length;
      return [
        b.name,
        {
          json: { detect_model_ms: ms, samples: samples(b).detect.map(tenth) },
          rows: [floorRow('detect (kill -> UI model shows the hop broken)', ms, undefined, n)],
          /** @type {import('../lib/section.mjs').Case[]} */
          cases: [{ what: 'detect (kill -> UI model shows it)', value: ms, includesNodeStart: false, runs: n }],
        },
      ];
    }),
  );
}

/** @type {import('../lib/section.mjs').Section} */
export const detect = {
  key: 'detect',
  title: 'detect (UI model)',
  measure: ({ dir, bins }) => measureDetect(dir, bins),
};
