/**
 * The README's quickstart runs as pasted: each block between
 * `<!-- quickstart:NAME -->` and `<!-- /quickstart:NAME -->` is taken from
 * README.md, unindented, and run with bash from the checkout, as root, as a
 * reader would paste it. Every command must succeed except those marked
 * `# fails`, which must exit 1; afterwards nothing may be left behind (no
 * namespace, no container, no host interface).
 *
 * The quickstart uses the story's names (client, firewall, ...), not cmt-
 * ones: the test skips, as the demo's does, when any of them exists already,
 * so that what it removes after a failure can only be what the block made.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, type TestContext } from 'vitest';
import { dockerRequired } from '../support/docker.js';
import { ipJson, isRoot, REPO } from '../support/kernel.js';

const NAMES = ['client', 'firewall', 'router', 'webserver'];
const WEB_ROOT = '/tmp/www';

/** The block marked NAME in a Markdown text, without its four-space indent. */
function quickstartBlock(markdown: string, name: string): string {
  const m = new RegExp(`<!-- quickstart:${name} -->\\n([\\s\\S]*?)\\n<!-- /quickstart:${name} -->`).exec(markdown);
  if (!m) throw new Error(`README.md has no quickstart:${name} block`);
  const lines = m[1]!.split('\n');
  for (const l of lines) if (l !== '' && !l.startsWith('    ')) throw new Error(`quickstart:${name}: not a code line: ${l}`);
  return (
    lines
      .map((l) => l.slice(4))
      .join('\n')
      .trim() + '\n'
  );
}

const readme = readFileSync(join(REPO, 'README.md'), 'utf8');

/** 1-based line numbers of the block's lines marked `# fails`. */
const failingLines = (block: string) => block.split('\n').flatMap((l, i) => (/#\s*fails\b/.test(l) ? [i + 1] : []));

interface Leftovers {
  netns: string[];
  containers: string[];
  hostLinks: string[];
}

const dockerAnswers = () => spawnSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'ignore', timeout: 15_000 }).status === 0;

/** What exists now, leaving out what other tests make meanwhile (cmt-*, Docker's own interfaces). */
function observe(): Leftovers {
  const netns = ipJson<Array<{ name: string }>>(undefined, ['netns', 'list']).map((n) => n.name);
  const containers = dockerAnswers()
    ? spawnSync('docker', ['ps', '-a', '--format', '{{.Names}}'], { encoding: 'utf8', timeout: 30_000 }).stdout.split('\n').filter(Boolean)
    : [];
  const hostLinks = ipJson<Array<{ ifname: string }>>(undefined, ['link', 'show']).map((l) => l.ifname);
  const ours = (n: string) => !/^cmt/.test(n);
  return {
    netns: netns.filter(ours).sort(),
    containers: containers.filter(ours).sort(),
    hostLinks: hostLinks.filter((n) => ours(n) && !/^(docker\d*|br-[0-9a-f]+|veth[0-9a-f]+)$/.test(n)).sort(),
  };
}

/** Names of the story's that exist already, as namespaces or containers, and the web root. */
function inTheWay(): string[] {
  const now = observe();
  return [
    ...NAMES.filter((n) => now.netns.includes(n)).map((n) => `namespace ${n}`),
    ...NAMES.filter((n) => now.containers.includes(n)).map((n) => `container ${n}`),
    ...(existsSync(WEB_ROOT) ? [WEB_ROOT] : []),
  ];
}

/** Removes what a failed block may have left: only the story's names, which did not exist before it. */
function removeStory(): void {
  if (dockerAnswers()) spawnSync('docker', ['rm', '-f', ...NAMES], { stdio: 'ignore', timeout: 60_000 });
  for (const n of NAMES) {
    const pids = spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const pid of pids) spawnSync('kill', ['-KILL', pid]);
    spawnSync('ip', ['netns', 'del', n], { stdio: 'ignore' });
  }
  rmSync(WEB_ROOT, { recursive: true, force: true });
}

/** A dockerd the Docker block started (ensure-docker.sh records it in the state folder given): stopped after. */
function stopDockerd(pid: number): void {
  const isDockerd = () => {
    try {
      return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'dockerd';
    } catch {
      return false;
    }
  };
  if (!isDockerd()) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && isDockerd(); i++) spawnSync('sleep', ['0.2']);
  if (isDockerd()) process.kill(pid, 'SIGKILL');
}

const work = mkdtempSync(join(tmpdir(), 'cmt-quickstart-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface BlockRun {
  /** Line (in the block) and exit code of every command that failed. */
  failed: Array<{ line: number; code: number }>;
  output: string;
}

/**
 * Runs a block with bash in the checkout. An ERR trap, on a line of its own
 * before the block, reports each failing command; the block runs unchanged.
 * Output goes to a file, not a pipe: a server the block starts in the
 * background would hold a pipe open. The timeout is spawnSync's, shorter
 * than the test's: vitest cannot stop a synchronous call.
 */
function runBlock(name: string, block: string, env: Record<string, string>, timeoutMs: number): BlockRun {
  const script = join(work, `${name}.sh`);
  writeFileSync(script, `trap 'echo "quickstart-failed $LINENO $?" >&2' ERR\n${block}`);
  const outFile = join(work, `${name}.out`);
  const fd = openSync(outFile, 'w');
  try {
    spawnSync('bash', [script], { cwd: REPO, stdio: ['ignore', fd, fd], env: { ...process.env, NO_COLOR: '1', ...env }, timeout: timeoutMs });
  } finally {
    closeSync(fd);
  }
  const output = readFileSync(outFile, 'utf8');
  const failed = [...output.matchAll(/^quickstart-failed (\d+) (\d+)$/gm)].map((m) => ({ line: Number(m[1]) - 1, code: Number(m[2]) }));
  return { failed, output };
}

/**
 * Runs the block and checks that exactly the lines marked `# fails` failed,
 * with exit 1, and that nothing of the story is left; its output.
 */
function checkBlock(ctx: TestContext, name: string, timeoutMs: number, env: Record<string, string> = {}): string {
  const block = quickstartBlock(readme, name);
  const taken = inTheWay();
  if (taken.length) {
    const why = `the quickstart's names are in use on this host (${taken.join(', ')}); not touching them`;
    console.warn(`skipping the ${name} quickstart: ${why}`);
    ctx.skip(why);
  }
  let run: BlockRun;
  let left: string[];
  try {
    run = runBlock(name, block, env, timeoutMs);
  } finally {
    left = inTheWay();
    if (left.length) removeStory();
  }
  const lines = block.split('\n');
  const described = run.failed.map((f) => `line ${f.line} (${lines[f.line - 1]?.trim()}): exit ${f.code}`);
  expect(described, run.output).toEqual(failingLines(block).map((l) => `line ${l} (${lines[l - 1]?.trim()}): exit 1`));
  expect(left, "what the block's clean-up left").toEqual([]);
  return run.output;
}

describe('the README quickstart blocks', () => {
  it('are marked, code only, with the failing lines marked too', () => {
    for (const name of ['docker', 'netns']) {
      const block = quickstartBlock(readme, name);
      expect(block).toMatch(/^export PATH=\$PWD\/bin:\$PATH/);
      expect(failingLines(block).length).toBeGreaterThan(0);
      expect(block).toMatch(/# clean up/);
    }
  });
});

describe.skipIf(!isRoot)('the README quickstart, run as pasted', () => {
  it('on namespaces: the chain answers, breaks, is repaired, and is gone afterwards', (ctx) => {
    const before = observe();
    const output = checkBlock(ctx, 'netns', 240_000);
    // the page the block wrote, twice: through the chain, and around the dead firewall
    expect(output.match(/HTTP 200 .*"hello from the chain"/g)?.length ?? 0, output).toBe(2);
    expect(observe()).toEqual(before);
  }, 300_000);

  const docker = spawnSync('docker', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!docker && !dockerRequired())(
    'on Docker: the same, from starting the engine to removing the containers',
    (ctx) => {
      // ensure-docker.sh and build-test-image.sh record what they start and build in this folder
      const state = join(work, 'state');
      const engineBefore = dockerAnswers();
      const imageBefore = engineBefore && spawnSync('docker', ['image', 'inspect', 'chainmail-test:busybox'], { stdio: 'ignore' }).status === 0;
      const before = observe();
      try {
        const output = checkBlock(ctx, 'docker', 360_000, { CHAINMAIL_TEST_STATE_DIR: state });
        // the page the block wrote, twice: through the chain, and around the dead firewall
        expect(output.match(/HTTP 200 .*"hello from the chain"/g)?.length ?? 0, output).toBe(2);
        const after = observe();
        expect(after.netns).toEqual(before.netns);
        expect(after.hostLinks).toEqual(before.hostLinks);
        // an engine the block started lists whatever it held before it stopped: only the story's names are ours
        expect(engineBefore ? after.containers : after.containers.filter((n) => NAMES.includes(n))).toEqual(engineBefore ? before.containers : []);
      } finally {
        // the image and the engine are the reader's to keep; a test run leaves neither
        if (!imageBefore && existsSync(join(state, 'image-built'))) spawnSync('docker', ['image', 'rm', 'chainmail-test:busybox'], { stdio: 'ignore' });
        const pidFile = join(state, 'dockerd.pid');
        if (existsSync(pidFile)) stopDockerd(Number(readFileSync(pidFile, 'utf8').trim()));
      }
    },
    400_000,
  );
});
