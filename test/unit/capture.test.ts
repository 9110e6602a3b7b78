import { describe, expect, it } from 'vitest';
import { parseCapture } from '../../src/parse/capture.js';
import { parsePromptLine } from '../../src/parse/prompt-command.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { tcpdumpArgv } from '../../src/plan/capture.js';
import { auto, docker, expectUsageError, hostNs, netns, pidNs, redNs, words } from './helpers.js';

const parse = (line: string) => parseCapture(words(line));

describe('parseCapture', () => {
  it.each([
    ['red eth0', { target: auto('red'), ifname: 'eth0', filter: [] }],
    ['netns red eth0 icmp', { target: netns('red'), ifname: 'eth0', filter: ['icmp'] }],
    ['docker web eth1 -c 3 tcp port 80', { target: docker('web'), ifname: 'eth1', count: 3, filter: ['tcp', 'port', '80'] }],
    ['red any -c5', { target: auto('red'), ifname: 'any', count: 5, filter: [] }],
    ['red eth0 icmp --count 7 -w hop.pcap', { target: auto('red'), ifname: 'eth0', count: 7, file: 'hop.pcap', filter: ['icmp'] }],
    ['red eth0 --write out/x.pcap', { target: auto('red'), ifname: 'eth0', file: 'out/x.pcap', filter: [] }],
    ['red eth0 -c 2 -- -c 3 and not -w', { target: auto('red'), ifname: 'eth0', count: 2, filter: ['-c', '3', 'and', 'not', '-w'] }],
  ])('%s', (line, expected) => {
    expect(parse(line)).toEqual({ verb: 'capture', ...expected });
  });

  it("is the verb table's capture, from the whole line", () => {
    expect(parseCommand(words('capture red eth0 -c 1 icmp'))).toEqual({ verb: 'capture', target: auto('red'), ifname: 'eth0', count: 1, filter: ['icmp'] });
  });

  it('refuses bad input, naming the token', () => {
    expectUsageError(() => parse('red'), { message: 'missing the interface to capture on (e.g. eth0, or any)', index: 1, word: undefined });
    expectUsageError(() => parse('red -c 3'), { message: 'expected an interface, got option "-c"', index: 1, word: '-c' });
    expectUsageError(() => parse('red eth0/1'), { message: 'bad interface "eth0/1": interface name must not contain "/"', index: 1 });
    expectUsageError(() => parse('red eth0 -c 0'), { message: 'bad count "0": must be from 1 to 10000000', index: 3, word: '0' });
    expectUsageError(() => parse('red eth0 -c -1'), { message: 'bad count "-1": must be a whole number from 1 to 10000000', index: 3, word: '-1' });
    expectUsageError(() => parse('red eth0 -c'), { message: 'bad count "": must be a whole number from 1 to 10000000', index: 3, word: undefined });
    expectUsageError(() => parse('red eth0 -cx'), { message: 'unknown option "-cx" (a filter word starting with "-" goes after --)', index: 2, word: '-cx' });
    expectUsageError(() => parse('red eth0 -c 1 -c 2'), { message: '"-c" given twice', index: 4, word: '-c' });
    expectUsageError(() => parse('red eth0 -w'), { message: '-w needs a file name (e.g. hop.pcap)', index: 3, word: undefined });
    expectUsageError(() => parse('red eth0 -w -i'), { message: '-w needs a file name (e.g. hop.pcap)', index: 3, word: '-i' });
    expectUsageError(() => parse('red eth0 icmp -Z root'), { message: 'unknown option "-Z" (a filter word starting with "-" goes after --)', index: 3, word: '-Z' });
  });

  it('at the prompt it is a capture of its own kind (the UI opens a pane), not a run', () => {
    expect(parsePromptLine('capture red eth0 icmp').command).toEqual({
      kind: 'capture',
      command: { verb: 'capture', target: auto('red'), ifname: 'eth0', filter: ['icmp'] },
    });
  });
});

describe('tcpdumpArgv', () => {
  it('runs tcpdump in the namespace, line-buffered, numeric, the filter words after --', () => {
    expect(tcpdumpArgv(redNs, { ifname: 'eth0', count: 3, filter: ['icmp', 'or', 'port', '80'] })).toEqual([
      'nsenter',
      '--net=/var/run/netns/red',
      '--',
      'tcpdump',
      '-i',
      'eth0',
      '-n',
      '--immediate-mode',
      '-l',
      '-c',
      '3',
      '--',
      'icmp',
      'or',
      'port',
      '80',
    ]);
  });

  it('writes pcap to its standard output, packet by packet, for -w', () => {
    expect(tcpdumpArgv(pidNs, { ifname: 'any', file: 'x.pcap', filter: [] })).toEqual([
      'nsenter',
      '--net=/proc/777/ns/net',
      '--',
      'tcpdump',
      '-i',
      'any',
      '-n',
      '--immediate-mode',
      '-U',
      '-w',
      '-',
      '--',
    ]);
  });

  it('runs the host tcpdump directly on the host, and never splits or joins a word', () => {
    const argv = tcpdumpArgv(hostNs, { ifname: 'lo', filter: ['-w', '/tmp/x; rm -rf /', '$(id)'] });
    expect(argv.slice(0, 1)).toEqual(['tcpdump']);
    expect(argv.slice(argv.indexOf('--'))).toEqual(['--', '-w', '/tmp/x; rm -rf /', '$(id)']);
    expect(argv).not.toContain('x.pcap');
  });
});
