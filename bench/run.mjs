#!/usr/bin/env node
// Benchmark harness: chainmail against plain iproute2 (one process per command) and against the
// batch floor (ip -batch), on network namespaces named cmt-b*. Run as root: `npm run bench`.
// Writes bench/results/latest.json and latest.md. Each section is a module of bench/sections/.
//
// BENCH_BASELINE=/path/to/another/checkout (built: npm ci && npm run build there) times every case
// for that checkout's bin too, the two interleaved run by run so both see the same machine, and adds
// a before/after table. Node's own start (`node -e 0`) is a row of its own, and rows that include it
// are also given without it. When the baseline's bin drops NODE_EXTRA_CA_CERTS (its old #! line), the
// whole run starts again without it, so that both bins start Node alike. BENCH_ONLY=seed,scale,... runs those sections only (written to
// results/partial.json and partial.md); each section's module says which variables tune it.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { AFTER, BARE_RUN, BASELINE, BEFORE, BINS, ROOT } from './lib/bins.mjs';
import { cleanupAll, ourNamespaces } from './lib/namespaces.mjs';
import { nodeStartResult, sampleNodeStart } from './lib/node-start.mjs';
import { r1 } from './lib/proc.mjs';
import { comparison, comparisonTable, floorTable } from './lib/report.mjs';
import { batch } from './sections/batch.mjs';
import { detect } from './sections/detect.mjs';
import { docker } from './sections/docker.mjs';
import { heal } from './sections/heal.mjs';
import { koko } from './sections/koko.mjs';
import { scale } from './sections/scale.mjs';
import { seed } from './sections/seed.mjs';
import { traffic } from './sections/traffic.mjs';
import { tui } from './sections/tui.mjs';

/** @typedef {import('./lib/section.mjs').Measured} Measured */

/** Every section, in the order they run and report. */
const SECTIONS = [seed, scale, koko, batch, heal, detect, tui, traffic, docker];

const RESULTS = join(dirname(fileURLToPath(import.meta.url)), 'results');
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : undefined;

async function main() {
  if (process.getuid?.() !== 0) {
    console.error('bench: needs root (network namespaces)');
    process.exit(4);
  }
  const unknown = [...(ONLY ?? [])].filter((k) => !SECTIONS.some((s) => s.key === k));
  if (unknown.length) {
    console.error(`bench: no section ${unknown.join(', ')} (BENCH_ONLY takes ${SECTIONS.map((s) => s.key).join(',')})`);
    process.exit(2);
  }
  if (BEFORE && !existsSync(join(BEFORE.root, 'dist', 'bundle', 'main.js'))) {
    console.error(`bench: ${BEFORE.root} is not built (npm ci && npm run build there)`);
    process.exit(1);
  }
  if (BEFORE?.startsWithoutCa && process.env.NODE_EXTRA_CA_CERTS !== undefined && !BARE_RUN) {
    // the before bin drops NODE_EXTRA_CA_CERTS: the whole run again without it, so both bins start Node alike (bins.mjs)
    const { NODE_EXTRA_CA_CERTS: extra, ...rest } = process.env;
    const again = spawnSync(process.execPath, process.argv.slice(1), { stdio: 'inherit', env: { ...rest, BENCH_EXTRA_CA_CERTS: extra } });
    process.exit(again.status ?? 1);
  }
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'cmt-bench-'));
  let ok = false;
  const onSignal = () => {
    cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    cleanupAll();
    /** @type {{ after: Measured[], before: Measured[] }} */
    const found = { after: [], before: [] };
    /** @type {{ after: Record<string, unknown>, before: Record<string, unknown> }} */
    const json = { after: {}, before: {} };
    /** Sections that threw: the others' figures are still reported, and the run exits 1. */
    /** @type {string[]} */
    const failed = [];
    for (const section of SECTIONS.filter((s) => !ONLY || ONLY.has(s.key))) {
      console.error(`bench: ${section.title} (${((performance.now() - started) / 1000).toFixed(0)} s) ...`);
      sampleNodeStart();
      let measured;
      try {
        measured = await section.measure({ dir, bins: BINS });
      } catch (e) {
        console.error(`bench: section ${section.key} failed: ${(e instanceof Error && e.stack) || String(e)}`);
        failed.push(`${section.key}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
        cleanupAll();
        continue;
      }
      for (const b of BINS) {
        const m = measured[b.name];
        if (m === undefined) continue;
        found[b.name].push(m);
        json[b.name][section.key] = m.json;
      }
    }
    sampleNodeStart();
    const ns = nodeStartResult();
    const rows = BEFORE ? comparison({ after: found.after.flatMap((m) => m.cases), before: found.before.flatMap((m) => m.cases), ns }, BEFORE) : undefined;
    const totalMs = performance.now() - started;
    const when = new Date().toISOString();
    const res = {
      when,
      node: process.version,
      baseline: BASELINE ?? null,
      node_start: ns,
      after: json.after,
      ...(BEFORE ? { before: json.before, comparison: rows } : {}),
      total_ms: r1(totalMs),
      failed_sections: failed,
    };
    const report = [
      `# chainmail bench, ${when.slice(0, 10)}, Node ${process.version}`,
      '',
      '## chainmail against the floors',
      '',
      floorTable(
        found.after.flatMap((m) => m.rows),
        ns,
      ),
      '',
      'floor = same work with one `ip -batch` per namespace (veth pairs from one host batch); ip script = one ip process per command via bash.',
      'chainmail times are wall time of the CLI process (including Node start-up) unless they say own time.',
      ...found.after.flatMap((m) => (m.tables ?? []).flatMap((t) => ['', `## ${t.title}`, '', t.markdown])),
      ...(BEFORE && rows ? ['', `## before (${BEFORE.root}) and after (${AFTER.root})`, '', comparisonTable(rows, ns, BEFORE)] : []),
      ...(failed.length ? ['', '**Sections that failed** (no figures above):', '', ...failed.map((f) => `- ${f}`)] : []),
      '',
      `total ${(totalMs / 1000).toFixed(1)} s`,
      '',
    ].join('\n');
    mkdirSync(RESULTS, { recursive: true });
    const out = ONLY || failed.length ? 'partial' : 'latest';
    writeFileSync(join(RESULTS, `${out}.json`), JSON.stringify(res, null, 2) + '\n');
    writeFileSync(join(RESULTS, `${out}.md`), report);
    console.log(report);
    console.log(`written bench/results/${out}.json and ${out}.md (${ROOT})`);
    ok = failed.length === 0;
  } finally {
    cleanupAll();
    rmSync(dir, { recursive: true, force: true });
    const left = ourNamespaces();
    if (left.length) {
      console.error(`bench: namespaces left: ${left.join(', ')}`);
      ok = false;
    }
  }
  if (!ok) process.exitCode = 1;
}

main().catch((/** @type {unknown} */ e) => {
  console.error(`bench: ${(e instanceof Error && e.stack) || String(e)}`);
  process.exitCode = 1;
});
