/**
 * Tutorials without a terminal, as CI runs them: the built-in ones pass and
 * leave nothing behind; a failing check makes the run fail and still cleans
 * up; --keep keeps, and the next run starts from scratch.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { chainmail, ip, isRoot, leftoverTemps, Scratch, uniqueName } from '../support/kernel.js';

const STATE_DIR = '/var/run/chainmail/chains';
const scratch = new Scratch();
const dir = mkdtempSync(join(tmpdir(), 'cmt-tutorial-'));
afterEach(() => scratch.cleanup());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const netnsNames = () =>
  ip(undefined, ['netns', 'list'])
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter(Boolean);
/** Processes whose command line holds `text` (the chains' web servers name their node). */
const processesWith = (text: string) => spawnSync('pgrep', ['-f', text], { encoding: 'utf8' }).stdout.trim();

/** Everything a tutorial could leave behind with these node names. */
function leftovers(prefix: string, chainName: string): string[] {
  return [
    ...netnsNames()
      .filter((n) => n.startsWith(prefix))
      .map((n) => `namespace ${n}`),
    ...leftoverTemps([]).map((t) => `temporary interface ${t}`),
    ...(existsSync(`${STATE_DIR}/${chainName}.json`) ? [`record of chain ${chainName}`] : []),
    ...(processesWith(`http-server-child.js 80 ${prefix}`) ? [`web server in ${prefix}*`] : []),
  ];
}

describe.skipIf(!isRoot)('built-in tutorials, headless', () => {
  it.each([
    [
      'warm-up',
      'wu-',
      ['step 4/5: Block ICMP', '  $ fw wu-firewall add -p icmp -j DROP', '  $ ping wu-test1 10.0.2.2 -c 10', '  check: ping wu-test1 → 10.0.2.2 gets no answer: ok'],
    ],
    ['service-chain', 'sc-', ['step 5/5: Fetch the page through the chain', '  check: http sc-client → http://10.0.3.2/ answers: ok']],
    ['failure-repair', 'fr-', ['  $ kill fr-firewall', '  check: chain status is not all ok: ok', '  check: http fr-client → http://10.0.3.2/ answers: ok']],
  ])('%s passes every check and leaves nothing behind', (name, prefix, expected) => {
    expect(leftovers(prefix, `tutorial-${name}`), 'left from before this test').toEqual([]);
    const r = chainmail(['tutorial', name]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    for (const line of expected)
      expect(
        lines.some((l) => l.startsWith(line)),
        line,
      ).toBe(true);
    expect(r.stdout).not.toContain('FAILED');
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`tutorial ${name}: all 5 steps ok`);
    // each step's text (under its title, before its commands) is wrapped to 80 columns
    const textLines: string[] = [];
    let inText = false;
    for (const l of lines) {
      if (/^step \d+\/\d+: /.test(l)) inText = true;
      else if (/^ {2}(\$|check:)/.test(l)) inText = false;
      else if (inText) textLines.push(l);
    }
    expect(textLines.length).toBeGreaterThan(10);
    for (const l of textLines) expect(l.length, l).toBeLessThanOrEqual(80);
    expect(leftovers(prefix, `tutorial-${name}`)).toEqual([]);
  });

  it('lists the built-in tutorials without a name, and refuses an unknown one', () => {
    const list = chainmail(['tutorial']);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ {2}warm-up +Two hosts with a firewall between them \(5 steps\)$/m);
    expect(list.stdout).toMatch(/^ {2}service-chain +/m);
    expect(list.stdout).toMatch(/^ {2}failure-repair +/m);
    const unknown = chainmail(['tutorial', 'warmup']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no tutorial "warmup"');
  });
});

/** A two-step tutorial of its own on cmt-* namespaces; the second step's check expects what cannot be. */
function tempTutorial(failing: boolean): { file: string; prefix: string; chain: string } {
  const prefix = uniqueName('tf');
  const chain = uniqueName('tfc');
  const [a, b] = [`${prefix}a`, `${prefix}b`];
  writeFileSync(join(dir, `${prefix}.chain.yaml`), [`name: ${chain}`, `nodes: [${a}, ${b}]`, 'links:', `  - [${a}:l1, ${b}:l2, 10.77.1.0/24]`].join('\n') + '\n');
  const file = join(dir, `${prefix}.yaml`);
  writeFileSync(
    file,
    [
      `name: ${prefix}`,
      'title: A test tutorial',
      `setup: ${prefix}.chain.yaml`,
      'steps:',
      '  - title: Across the link',
      '    text: The two ends answer each other.',
      `    run: [ping ${a} 10.77.1.2 -c 1]`,
      `    check: { ping: { from: ${a}, to: 10.77.1.2 } }`,
      '  - title: A check that cannot hold',
      '    text: Nothing blocks the ping, yet this step expects it to fail.',
      `    run: [fw ${b} list]`,
      `    check: { ping: { from: ${a}, to: 10.77.1.2 }, expect: ${failing ? 'fail' : 'ok'}, within: 500 }`,
    ].join('\n') + '\n',
  );
  return { file, prefix, chain };
}

describe.skipIf(!isRoot)('a tutorial of your own, headless', () => {
  it('fails (exit 1) when a check fails, runs to the end and cleans up', () => {
    const { file, prefix, chain } = tempTutorial(true);
    scratch.adoptNetns(`${prefix}a`);
    scratch.adoptNetns(`${prefix}b`);
    const r = chainmail(['tutorial', file]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toContain('  check: ping ' + `${prefix}a → 10.77.1.2 answers: ok`);
    expect(r.stdout).toContain('  check: ping ' + `${prefix}a → 10.77.1.2 gets no answer: FAILED`);
    expect(r.stdout).toContain(`cleanup: chain down ${join(dir, `${prefix}.chain.yaml`)}`);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe(`tutorial ${prefix}: 1 of 2 steps failed (step 2)`);
    expect(leftovers(prefix, chain)).toEqual([]);
  });

  it('keeps what it made with --keep; the next run starts from scratch and removes it', () => {
    const { file, prefix, chain } = tempTutorial(false);
    scratch.adoptNetns(`${prefix}a`);
    scratch.adoptNetns(`${prefix}b`);
    const kept = chainmail(['tutorial', file, '--keep']);
    expect(kept.code, kept.stdout + kept.stderr).toBe(0);
    expect(kept.stdout).toContain(`kept what the tutorial made (--keep); remove it with: chainmail chain down ${join(dir, `${prefix}.chain.yaml`)}`);
    expect(netnsNames()).toEqual(expect.arrayContaining([`${prefix}a`, `${prefix}b`]));
    const again = chainmail(['tutorial', file]);
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout.split('\n')[0]).toBe(`removed what an earlier run left: namespace ${prefix}a, namespace ${prefix}b`);
    expect(leftovers(prefix, chain)).toEqual([]);
  });

  it('refuses a broken tutorial file before making anything', () => {
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'name: broken\ntitle: T\nsteps:\n  - title: S\n    run: [kokoo -n a,l1 -n b,l2]\n');
    const r = chainmail(['tutorial', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file}:5: steps[0].run[0]: unknown verb "kokoo" (did you mean koko?)`);
  });
});
