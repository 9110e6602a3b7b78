/**
 * Issue 17: a chain file the kernel or iptables refuses leaves nothing
 * behind. `chain up` asks iptables about the file's firewall rules before
 * its first change (FILE:LINE: firewall[N].rule:, exit 2, on namespaces and
 * on Docker); a step that fails anyway (an interface the kernel will not
 * name "all", a failure injected with CHAINMAIL_FAIL_AT_STEP) makes up
 * remove what this run made, and say so, unless --keep-partial keeps it, and
 * a namespace that existed before is never touched. Every message that says
 * "nothing was changed" is true for the whole command: up, heal and batch.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { netnsNames, readChainRecord, stateFileOf } from '../support/chain.js';
import { docker, dockerReady } from '../support/docker.js';
import { chainmail, createNetns, deleteNetns, eventually, ip, isRoot, linkNames, snapshot, type CliRun } from '../support/kernel.js';

const tag = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'cmt-rbk-'));
const chainName = `cmt-rbk${tag}`;
const node = (s: string) => `${chainName}-${s}`;
const [A, B, C] = [node('a'), node('b'), node('c')];
const NODES = [A, B, C];

/** Writes a chain file of a-b-c (10.93.1.0/24, 10.93.2.0/24) with more lines; returns its path. */
function chainFile(name: string, links: string[] = [`[${B}:l3, ${C}:l4, 10.93.2.0/24]`], ...more: string[]): string {
  const file = join(dir, name);
  const text = [`name: ${chainName}`, `nodes: [${A}, ${B}, ${C}]`, 'links:', `  - [${A}:l1, ${B}:l2, 10.93.1.0/24]`, ...links.map((l) => `  - ${l}`), ...more];
  writeFileSync(file, text.join('\n') + '\n');
  return file;
}

const ours = () => netnsNames().filter((n) => n.startsWith(chainName));
const firstLine = (r: CliRun) => r.stderr.split('\n')[0] ?? '';

function cleanUp(): void {
  if (readChainRecord(chainName)) chainmail(['chain', 'down', join(dir, 'good.yaml')]);
  for (const n of NODES) deleteNetns(n);
  rmSync(stateFileOf(chainName), { force: true });
}

afterEach(cleanUp);
afterAll(() => {
  cleanUp();
  if (isRoot && dockerReady()) docker(['rm', '-f', ...NODES]);
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('chain up with a rule iptables refuses', () => {
  it('fails before its first change: exit 2, FILE:LINE: firewall[N].rule:, what iptables said, ip netns unchanged', () => {
    chainFile('good.yaml');
    const file = chainFile('bad-rule.yaml', undefined, 'firewall:', `  - { node: ${B}, rule: "-p icmp -j DROP" }`, `  - { node: ${B}, rule: "-j DROP; reboot" }`);
    const before = snapshot([]);
    const r = chainmail(['chain', 'up', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r)).toBe(`chainmail: ${file}:8: firewall[1].rule: iptables refuses "-j DROP; reboot": Bad argument \`reboot'; nothing was changed`);
    expect(ours()).toEqual([]);
    expect(snapshot([])).toBe(before);
    expect(existsSync(stateFileOf(chainName))).toBe(false);
  });

  it('a target iptables does not have is found too (it shows only when the rules are loaded)', () => {
    const file = chainFile('no-target.yaml', undefined, 'firewall:', `  - { node: ${B}, rule: [-j, NOPE] }`);
    const r = chainmail(['chain', 'up', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r)).toMatch(new RegExp(`^chainmail: ${file}:7: firewall\\[0\\]\\.rule: iptables refuses "-j NOPE": .*NOPE.*; nothing was changed$`));
    expect(ours()).toEqual([]);
  });

  it('--dry-run says so too', () => {
    const file = chainFile('bad-rule-dry.yaml', undefined, 'firewall:', `  - { node: ${A}, rule: "-p tcp --dport 99999 -j DROP" }`);
    const r = chainmail(['chain', 'up', file, '--dry-run']);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r)).toMatch(new RegExp(`^chainmail: ${file}:7: firewall\\[0\\]\\.rule: iptables refuses .*99999`));
  });

  it.skipIf(!dockerReady())('on Docker too: the host iptables checks it before any container is made', () => {
    const file = chainFile('bad-rule-docker.yaml', undefined, 'firewall:', `  - { node: ${B}, rule: "-j DROP; reboot" }`);
    const r = chainmail(['chain', 'up', file, '--docker']);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r)).toMatch(new RegExp(`^chainmail: ${file}:7: firewall\\[0\\]\\.rule: iptables refuses "-j DROP; reboot": .*; nothing was changed$`));
    const listed = docker(['ps', '-a', '--filter', `name=${chainName}`, '--format', '{{.Names}}']).stdout.trim();
    expect(listed).toBe('');
    expect(existsSync(stateFileOf(chainName))).toBe(false);
  });
});

describe.skipIf(!isRoot)('chain up with a step the kernel refuses part-way', () => {
  // the kernel names no interface "all" (it is a sysctl folder of every namespace); nothing asks it in advance
  const refusedLink = () => chainFile('all.yaml', [`[${B}:all, ${C}:l4, 10.93.2.0/24]`]);

  it('removes what this run made, in reverse order, and says so', () => {
    const file = refusedLink();
    const before = snapshot([]);
    const r = chainmail(['chain', 'up', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toBe(
      `chainmail: failed to link ${B}:all <-> ${C}:l4: the kernel rejected a value as invalid; removed the 4 things this run made (3 namespaces, 1 link)`,
    );
    expect(r.stderr).toContain('kernel said: RTNETLINK answers: Invalid argument');
    expect(ours()).toEqual([]);
    expect(snapshot([])).toBe(before);
    expect(existsSync(stateFileOf(chainName))).toBe(false);
  });

  it('with --keep-partial keeps it, says what exists, and chain down FILE removes it', () => {
    const file = refusedLink();
    const r = chainmail(['chain', 'up', file, '--keep-partial']);
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toBe(
      `chainmail: failed to link ${B}:all <-> ${C}:l4: the kernel rejected a value as invalid; kept the 4 things this run made (--keep-partial: 3 namespaces, 1 link); chain down ${file} removes them`,
    );
    expect(r.stderr).toContain(`made by this run and still there: namespace ${A}, namespace ${B}, namespace ${C}, link ${A}:l1`);
    expect(ours().sort()).toEqual([...NODES].sort());
    expect(readChainRecord(chainName)?.createdNodes).toEqual(NODES);
    const down = chainmail(['chain', 'down', file]);
    expect(down.code, down.stderr).toBe(0);
    expect(ours()).toEqual([]);
  });

  it('never touches a namespace that was there before: its interfaces, addresses and routes stay as they were', () => {
    createNetns(A);
    ip(A, ['link', 'add', 'own0', 'type', 'veth', 'peer', 'name', 'own1']);
    ip(A, ['addr', 'add', '10.93.7.1/24', 'dev', 'own0']);
    ip(A, ['link', 'set', 'own0', 'up']);
    const before = snapshot([A]);
    const file = refusedLink();
    const r = chainmail(['chain', 'up', file]);
    expect(r.code, r.stderr).toBe(1);
    // A's end of the link a-b was made by this run: it goes, and A is as it was
    expect(firstLine(r)).toMatch(/; removed the 3 things this run made \(2 namespaces, 1 link\)$/);
    expect(ours()).toEqual([A]);
    expect(snapshot([A])).toBe(before);
  });

  it.skipIf(!dockerReady())('on Docker: the containers this run made are removed again', () => {
    const file = refusedLink();
    const r = chainmail(['chain', 'up', file, '--docker']);
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toBe(
      `chainmail: failed to link ${B}:all <-> ${C}:l4: the kernel rejected a value as invalid; removed the 4 things this run made (3 containers, 1 link)`,
    );
    expect(docker(['ps', '-a', '--filter', `name=${chainName}`, '--format', '{{.Names}}']).stdout.trim()).toBe('');
    expect(existsSync(stateFileOf(chainName))).toBe(false);
  });

  it('a failure after namespaces, links, addresses and routes (injected at the first single step) removes them all', () => {
    // b forwards (two links): turning that on is the first single step, after every batch
    const file = chainFile('inject.yaml', undefined, 'firewall:', `  - { node: ${B}, rule: "-p icmp -j DROP" }`);
    const before = snapshot([]);
    const r = chainmail(['chain', 'up', file], { CHAINMAIL_FAIL_AT_STEP: '0' });
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toBe(
      `chainmail: failed to turn forwarding on in ${B}: injected failure (CHAINMAIL_FAIL_AT_STEP); removed the 5 things this run made (3 namespaces, 2 links)`,
    );
    expect(r.stderr).not.toMatch(/nothing was changed/);
    expect(ours()).toEqual([]);
    expect(snapshot([])).toBe(before);
  });
});

describe.skipIf(!isRoot)('"nothing was changed" is true for the whole command', () => {
  it('chain heal: a rule refused while healing changes nothing, and the chain stays as it was', async () => {
    const good = chainFile('good.yaml');
    expect(chainmail(['chain', 'up', good]).code).toBe(0);
    deleteNetns(B);
    // the kernel takes B's veth peers out of A and C a moment after the delete: "before" is the state once it has
    const left = await eventually(
      () => [...linkNames(A), ...linkNames(C)],
      (names) => !names.includes('l1') && !names.includes('l4'),
      5000,
    );
    expect(left).not.toContain('l1');
    expect(left).not.toContain('l4');
    const record = JSON.stringify(readChainRecord(chainName));
    const before = snapshot([A, C]);
    const file = chainFile('heal-bad.yaml', undefined, 'firewall:', `  - { node: ${A}, rule: "-j DROP; reboot" }`);
    const r = chainmail(['chain', 'heal', file]);
    expect(r.code, r.stderr).toBe(2);
    expect(firstLine(r)).toMatch(new RegExp(`^chainmail: ${file}:7: firewall\\[0\\]\\.rule: iptables refuses .*; nothing was changed$`));
    expect(snapshot([A, C])).toBe(before);
    expect(JSON.stringify(readChainRecord(chainName))).toBe(record);
  });

  it('batch: a line that changed nothing after lines that ran does not say the batch changed nothing', () => {
    createNetns(A);
    createNetns(B);
    const file = join(dir, 'lines.batch');
    writeFileSync(file, [`koko -n ${A},x1 -n ${B},x2`, `koro netns ${A} address add 10.93.8.1/24 dev nope0`, ''].join('\n'));
    const r = chainmail(['batch', file]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/this line changed nothing \(the 1 line before it ran and stay\)/);
    expect(r.stderr).not.toMatch(/; nothing was changed/);
    expect(spawnSync('ip', ['-n', A, 'link', 'show', 'x1']).status).toBe(0);
  });

  it('koko: a failure undone whole says nothing was changed, and nothing was', () => {
    createNetns(A);
    createNetns(B);
    const before = snapshot([A, B]);
    const r = chainmail(['koko', '-n', `${A},x1,10.93.9.1/24`, '-n', `${B},x2,10.93.9.2/24`], { CHAINMAIL_FAIL_AT_STEP: '1' });
    expect(r.code, r.stderr).toBe(1);
    expect(firstLine(r)).toMatch(/the 1 change before it was undone$|nothing was changed$/);
    expect(snapshot([A, B])).toBe(before);
  });
});
