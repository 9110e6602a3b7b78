/**
 * chainmail capture on real namespaces: the host's tcpdump in a namespace
 * sees the ICMP of a ping across a veth, writes a pcap file, stops on -c N
 * and on Ctrl-C, and refuses bad input before anything is started or made.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BIN, chainmail, chainmailAsync, isRoot, Scratch } from '../support/kernel.js';

const scratch = new Scratch();
const dirs: string[] = [];
afterEach(async () => {
  await scratch.cleanup();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'cmt-capture-'));
  dirs.push(d);
  return d;
}

/** a (10.81.1.1, ab) -- b (10.81.1.2, ba), made with koko. */
function pair(): { a: string; b: string } {
  const a = scratch.netns('cpa');
  const b = scratch.netns('cpb');
  const r = chainmail(['koko', '-n', `${a},ab,10.81.1.1/24`, '-n', `${b},ba,10.81.1.2/24`]);
  if (r.code !== 0) throw new Error(r.stderr);
  return { a, b };
}

/** Pings from a to b for a few seconds, so a capture started meanwhile sees echoes. */
const pingAcross = (a: string) => scratch.spawnIn(a, ['ping', '-n', '-q', '-i', '0.2', '-c', '40', '10.81.1.2']);

describe.skipIf(!isRoot)('capture', () => {
  it('-c 3 icmp prints three ICMP echo lines while pinging across, and exits 0', async () => {
    const { a, b } = pair();
    pingAcross(a);
    const r = await chainmailAsync(['capture', b, 'ba', '-c', '3', 'icmp']);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines, r.stdout).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/10\.81\.1\.[12] > 10\.81\.1\.[12]: ICMP echo (request|reply)/);
    expect(r.stderr).toMatch(/capturing on ba in /);
    expect(r.stderr).toMatch(/3 packets captured/);
  });

  it('-w writes a pcap file (its magic number) and no summary lines', async () => {
    const { a, b } = pair();
    const file = join(tempDir(), 'hop.pcap');
    pingAcross(a);
    const r = await chainmailAsync(['capture', `netns:${b}`, 'ba', '-c', '2', '-w', file, 'icmp']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const bytes = readFileSync(file);
    // microsecond or nanosecond pcap, in either byte order
    expect([0xa1b2c3d4, 0xa1b23c4d]).toContain(bytes.readUInt32LE(0));
    // the global header (24 bytes) and two packets, each a 16-byte record header and the frame
    expect(bytes.length).toBeGreaterThan(24 + 2 * (16 + 42));
  });

  it('Ctrl-C (SIGINT) ends a capture without -c with exit 0, and tcpdump with it', async () => {
    const { a, b } = pair();
    pingAcross(a);
    const child = spawn(BIN, ['capture', b, 'ba', 'icmp'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const code = new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    // a packet line shows that tcpdump runs
    const deadline = Date.now() + 10_000;
    while (!/ICMP echo/.test(stdout) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(stdout).toMatch(/ICMP echo/);
    child.kill('SIGINT');
    expect(await code).toBe(0);
    // nsenter execs tcpdump: a tcpdump left running would show with its own command line
    const left = spawnSync('pgrep', ['-f', `^tcpdump -i ba -n`], { encoding: 'utf8' }).stdout.trim();
    expect(left).toBe('');
  });

  it('refuses bad input with exit 2 and leaves no file behind', () => {
    const { b } = pair();
    const dir = tempDir();
    const file = join(dir, 'bad.pcap');
    const cases: Array<[string[], RegExp]> = [
      [['capture', b], /missing the interface to capture on/],
      [['capture', b, 'ba', '-c', '0', '-w', file], /bad count "0"/],
      [['capture', b, 'ba', '-c', 'x', '-w', file], /bad count "x"/],
      [['capture', b, 'nope0', '-w', file], /unknown interface "nope0" in /],
      [['capture', b, 'ba', '--bogus', '-w', file], /unknown option "--bogus"/],
      [['capture', b, 'ba', '-w', join(dir, 'no', 'such', 'dir.pcap')], /cannot write /],
    ];
    for (const [args, message] of cases) {
      const r = chainmail(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr.split('\n')[0]).toMatch(message);
      expect(r.stdout).toBe('');
      expect(existsSync(file), args.join(' ')).toBe(false);
    }
  });

  it('a filter word is never an option: after --, "-w FILE" is a filter tcpdump refuses, and no file is made', () => {
    const { b } = pair();
    const dir = tempDir();
    const evil = join(dir, 'evil.pcap');
    const pcap = join(dir, 'out.pcap');
    const r = chainmail(['capture', b, 'ba', '-c', '1', '-w', pcap, '--', '-w', evil]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^chainmail: capture on ba in .*: /m);
    expect(existsSync(evil)).toBe(false);
    // the file chainmail opened for a capture that failed is removed again
    expect(existsSync(pcap)).toBe(false);
  });

  it('without tcpdump on PATH says to install it, in one line', () => {
    const { b } = pair();
    const bin = tempDir();
    symlinkSync(process.execPath, join(bin, 'node'));
    const r = chainmail(['capture', b, 'ba', '-c', '1'], { PATH: bin });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/tcpdump is not installed: install it/);
  });
});
