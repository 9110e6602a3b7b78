/**
 * The verb table and the parsers of every verb other than koko and koro:
 * what each accepts, the one-line error for each mistake, and that the table,
 * the CLI and the prompt agree. Long because it covers every verb; a verb's
 * own behaviour is tested with the verb.
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { KOKO_USAGE } from '../../src/parse/koko.js';
import { KORO_ADDRESS_USAGE } from '../../src/parse/koro.js';
import { describeTarget, isTargetKeyword, parseTargetWords, TARGET_FORM } from '../../src/parse/target.js';
import { USAGE, VERBS } from '../../src/parse/verb-table.js';
import { parseCommand, type Command } from '../../src/parse/verbs.js';
import { auto, docker, end, expectUsageError, host, netns, nspath, pid, usageErrorOf, v4, words } from './helpers.js';

const parse = (line: string): Command => parseCommand(words(line));

describe('parseTargetWords', () => {
  const U = 'usage';
  it.each([
    ['client', auto('client'), 1],
    ['docker client', docker('client'), 2],
    ['docker:client', docker('client'), 1],
    ['netns red', netns('red'), 2],
    ['ipnetns red', netns('red'), 2],
    ['netns:red', netns('red'), 1],
    ['netns /var/run/netns/red', nspath('/var/run/netns/red'), 2],
    ['pid 42', pid(42), 2],
    ['pid:42', pid(42), 1],
    ['/proc/42/ns/net', nspath('/proc/42/ns/net'), 1],
    ['host', host, 1],
  ])('%s', (line, spec, next) => {
    expect(parseTargetWords([...words(line), 'rest'], 0, U)).toEqual({ spec, next });
  });

  it('reads from any start index', () => {
    expect(parseTargetWords(['x', 'y', 'docker', 'web'], 2, U)).toEqual({ spec: docker('web'), next: 4 });
  });

  it('refuses a missing target, an option, a bad bare name, a bad keyword value', () => {
    expectUsageError(() => parseTargetWords([], 0, U), { message: `missing target (${TARGET_FORM})`, index: 0, word: undefined });
    expectUsageError(() => parseTargetWords([''], 0, U), { message: `missing target (${TARGET_FORM})`, index: 0, word: '' });
    expectUsageError(() => parseTargetWords(['-x'], 0, U), { message: 'expected a target, got option "-x"', index: 0, word: '-x' });
    expectUsageError(() => parseTargetWords(['a;b'], 0, U), { message: 'bad target "a;b": namespace name must not contain ";"', index: 0, word: 'a;b' });
    expectUsageError(() => parseTargetWords(['pid:0'], 0, U), { message: 'bad pid target "pid:0": pid must be from 1 to 4194304', index: 0, word: 'pid:0' });
    expectUsageError(() => parseTargetWords(['/a/../b'], 0, U), { message: 'bad namespace path "/a/../b": namespace path must not contain ".."', index: 0 });
  });

  it('isTargetKeyword knows exactly koro NS_SPEC keywords', () => {
    expect(['docker', 'netns', 'ipnetns', 'pid'].map(isTargetKeyword)).toEqual([true, true, true, true]);
    expect(['host', 'toString', 'constructor', '__proto__', 'dockr', undefined].map(isTargetKeyword)).toEqual([false, false, false, false, false, false]);
  });

  it('a keyword inherited from Object.prototype is not a target keyword', () => {
    expect(parseTargetWords(['constructor', 'x'], 0, U)).toEqual({ spec: auto('constructor'), next: 1 });
  });

  it('describeTarget prints each kind as a user would type it', () => {
    expect([docker('c'), netns('red'), pid(4), nspath('/x'), host, auto('web')].map(describeTarget)).toEqual(['docker c', 'netns red', 'pid 4', '/x', 'host', 'web']);
  });
});

describe('parseCommand: koko and koro', () => {
  it('koko is parsed by parseKoko', () => {
    expect(parse('koko -d client,link1,10.0.1.1/24 -d firewall,link2')).toEqual({
      verb: 'koko',
      action: 'veth',
      json: false,
      ends: [end(docker('client'), 'link1', [v4('10.0.1.1', 24)]), end(docker('firewall'), 'link2')],
    });
  });

  it('koro is parsed by parseKoro', () => {
    expect(parse('koro docker client address add 10.0.1.1/24 dev link1')).toEqual({
      verb: 'koro',
      target: docker('client'),
      object: 'address',
      action: 'add',
      address: v4('10.0.1.1', 24),
      dev: 'link1',
      json: false,
    });
  });

  it('koko error positions count the verb: the caret is under the right word of the whole line', () => {
    const err = expectUsageError(() => parse('koko -d a,l1 -z foo'), { message: 'unknown option "-z"', index: 3, word: '-z' });
    expect(err.location!.words).toEqual(['koko', '-d', 'a,l1', '-z', 'foo']);
    expect(err.context).toEqual(['  koko -d a,l1 -z foo', '               ^^', `  usage: ${KOKO_USAGE}`]);
  });

  it('koro error positions count the verb', () => {
    const err = expectUsageError(() => parse('koro docker client address ad 10.0.1.1/24 dev link1'), {
      message: 'expected "add", "del" or "show" after "address", got "ad"',
      index: 4,
      word: 'ad',
    });
    expect(err.context).toEqual(['  koro docker client address ad 10.0.1.1/24 dev link1', '                             ^^', `  usage: ${KORO_ADDRESS_USAGE}`]);
  });

  it('a caret past the end stays past the end with the verb counted', () => {
    expectUsageError(() => parse('koro docker client address add 10.0.1.1/24'), {
      message: 'missing "dev IF": an address goes on an interface',
      index: 6,
      word: undefined,
    });
  });
});

describe('parseCommand: help', () => {
  it('help, --help, -h, help TOPIC', () => {
    expect(parse('help')).toEqual({ verb: 'help' });
    expect(parse('--help')).toEqual({ verb: 'help' });
    expect(parse('-h')).toEqual({ verb: 'help' });
    expect(parse('help koro')).toEqual({ verb: 'help', topic: 'koro' });
  });

  it("-h or --help after a verb asks for that verb's help", () => {
    expect(parse('koko -d a,l1 -h')).toEqual({ verb: 'help', topic: 'koko' });
    expect(parse('koro docker c address --help')).toEqual({ verb: 'help', topic: 'koro' });
    expect(parse('ping --help')).toEqual({ verb: 'help', topic: 'ping' });
  });

  it('fw keeps -h as a rule word (iptables has -h) but --help is still help', () => {
    expect(parse('fw firewall add -p icmp -h')).toEqual({ verb: 'fw', target: auto('firewall'), action: 'add', rule: ['-p', 'icmp', '-h'], json: false });
    expect(parse('fw firewall --help')).toEqual({ verb: 'help', topic: 'fw' });
  });
});

describe('parseCommand: unknown or missing verb', () => {
  it('no words at all', () => {
    expectUsageError(() => parseCommand([]), { message: `missing verb: one of ${VERBS.join(', ')}`, index: 0, word: undefined });
  });

  it.each([
    ['kokp', 'koko'],
    ['kroo', 'koro'],
    ['rout', 'routes'],
    ['pign', 'ping'],
    ['prob', 'probe'],
    ['forwad', 'forward'],
    ['kil', 'kill'],
    ['xyz', undefined],
  ])('unknown verb %s suggests %s', (verb, near) => {
    const err = expectUsageError(() => parseCommand([verb, 'x']), {
      message: `unknown verb "${verb}"${near ? ` (did you mean ${near}?)` : ''}; verbs: ${VERBS.join(', ')}`,
      index: 0,
      word: verb,
      names: `"${verb}"`,
    });
    expect(err.expected).toBeUndefined();
  });

  it('every verb has a usage line', () => {
    expect(VERBS).toEqual([
      'koko',
      'koro',
      'forward',
      'fw',
      'ls',
      'routes',
      'ping',
      'probe',
      'capture',
      'link',
      'exec',
      'shell',
      'kill',
      'pingall',
      'chain',
      'export',
      'batch',
      'demo',
      'tutorial',
    ]);
    for (const v of VERBS) expect(USAGE[v], v).toMatch(/\S/);
  });
});

describe('parseCommand: forward', () => {
  it('good forms', () => {
    expect(parse('forward router')).toEqual({ verb: 'forward', target: auto('router'), json: false });
    expect(parse('forward docker router on')).toEqual({ verb: 'forward', target: docker('router'), setting: 'on', json: false });
    expect(parse('forward netns red off --json')).toEqual({ verb: 'forward', target: netns('red'), setting: 'off', json: true });
  });

  it('bad forms', () => {
    expectUsageError(() => parse('forward router maybe'), { message: 'expected "on" or "off", got "maybe"', index: 2, word: 'maybe', names: '"maybe"' });
    expectUsageError(() => parse('forward router on extra'), { message: 'unexpected "extra"', index: 3, word: 'extra' });
    expectUsageError(() => parse('forward'), { message: `missing target (${TARGET_FORM})`, index: 1, word: undefined });
    expectUsageError(() => parse('forward router --on'), { message: 'unknown option "--on"', index: 2, word: '--on' });
  });

  it('usage errors carry the forward usage line', () => {
    expect(usageErrorOf(() => parse('forward router maybe')).expected).toBe(USAGE.forward);
  });
});

describe('parseCommand: fw', () => {
  it('list, add RULE..., del NUMBER, del RULE...', () => {
    expect(parse('fw firewall list')).toEqual({ verb: 'fw', target: auto('firewall'), action: 'list', rule: [], json: false });
    expect(parse('fw docker firewall list --json')).toEqual({ verb: 'fw', target: docker('firewall'), action: 'list', rule: [], json: true });
    expect(parse('fw firewall add -p icmp -j DROP')).toEqual({
      verb: 'fw',
      target: auto('firewall'),
      action: 'add',
      rule: ['-p', 'icmp', '-j', 'DROP'],
      json: false,
    });
    expect(parse('fw firewall del 1')).toEqual({ verb: 'fw', target: auto('firewall'), action: 'del', rule: ['1'], json: false });
    expect(parse('fw firewall del -p icmp -j DROP')).toEqual({
      verb: 'fw',
      target: auto('firewall'),
      action: 'del',
      rule: ['-p', 'icmp', '-j', 'DROP'],
      json: false,
    });
  });

  it('keeps iptables options that stay within one rule of FORWARD', () => {
    expect(parse('fw fw1 add -i link2 -o link3 -p tcp --dport 80 -m conntrack --ctstate NEW -j ACCEPT')).toMatchObject({
      rule: ['-i', 'link2', '-o', 'link3', '-p', 'tcp', '--dport', '80', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'ACCEPT'],
    });
  });

  it.each([
    '-t',
    '--table',
    '-A',
    '--append',
    '-I',
    '--insert',
    '-D',
    '--delete',
    '-R',
    '--replace',
    '-F',
    '--flush',
    '-X',
    '--delete-chain',
    '-N',
    '--new-chain',
    '-P',
    '--policy',
    '-E',
    '--rename-chain',
    '-Z',
    '--zero',
    '-L',
    '--list',
    '-S',
    '--list-rules',
    '-C',
    '--check',
    '--modprobe',
  ])('forbids %s in a rule, pointing at it', (option) => {
    const line = ['fw', 'firewall', 'add', '-p', 'icmp', option, 'x', '-j', 'DROP'];
    expectUsageError(() => parseCommand(line), {
      message: `"${option}" is not allowed in a rule: rules go to the FORWARD chain of the filter table`,
      index: 5,
      word: option,
      names: `"${option}"`,
    });
  });

  // iptables (getopt_long) also reads "-tmangle", "--table=mangle" and the
  // abbreviation "--tab mangle"; each of these moves the rule out of the
  // filter table (the mangle table has a FORWARD chain too). A second command
  // glued the same way (-Iraw) is harmless: iptables refuses two commands.
  it.each([
    [['-tmangle', '-j', 'DROP'], '-tmangle'],
    [['--table=mangle', '-j', 'DROP'], '--table=mangle'],
    [['--tab', 'mangle', '-j', 'DROP'], '--tab'],
    // bundled short options: -v then -t mangle
    [['-vtmangle', '-j', 'DROP'], '-vtmangle'],
    [['-M', '/tmp/x', '-j', 'DROP'], '-M'],
  ])('forbids the glued or abbreviated table option in %j', (rule, bad) => {
    const err = usageErrorOf(() => parseCommand(['fw', 'firewall', 'add', ...rule]));
    expect(err.location!.words[err.location!.index]).toBe(bad);
    expect(err.message).toContain(bad);
  });

  it('bad forms', () => {
    expectUsageError(() => parse('fw firewall flush'), { message: 'expected "list", "add" or "del", got "flush"', index: 2, word: 'flush', names: '"flush"' });
    expectUsageError(() => parse('fw firewall'), { message: 'missing "list", "add" or "del"', index: 2, word: undefined });
    expectUsageError(() => parse('fw firewall list extra'), { message: 'unexpected "extra"', index: 3, word: 'extra' });
    expectUsageError(() => parse('fw firewall add'), { message: '"fw add" needs a rule (e.g. -p icmp -j DROP)', index: 3, word: undefined });
    expectUsageError(() => parse('fw firewall del'), { message: '"fw del" needs a rule (e.g. -p icmp -j DROP) or a rule number', index: 3, word: undefined });
    expectUsageError(() => parse('fw firewall del abc'), {
      message: 'expected a rule number or a rule starting with an option (e.g. -p icmp -j DROP), got "abc"',
      index: 3,
      word: 'abc',
    });
    expectUsageError(() => parse('fw firewall add icmp -j DROP'), {
      message: 'expected a rule starting with an option (e.g. -p icmp -j DROP), got "icmp"',
      index: 3,
      word: 'icmp',
    });
    expect(parse('fw firewall add ! -s 10.0.0.1 -j DROP')).toMatchObject({ rule: ['!', '-s', '10.0.0.1', '-j', 'DROP'] });
    expectUsageError(() => parse('fw firewall del 0'), { message: 'bad rule number "0": must be from 1 to 100000', index: 3, word: '0', names: '"0"' });
    expectUsageError(() => parseCommand(['fw', 'firewall', 'add', '-p', 'icmp\n-F']), {
      message: '"icmp\\n-F": rule words must not contain control characters',
      index: 4,
      word: 'icmp\n-F',
      names: 'icmp',
    });
  });
});

describe('parseCommand: ls and routes', () => {
  it('ls [--json]', () => {
    expect(parse('ls')).toEqual({ verb: 'ls', json: false });
    expect(parse('ls --json')).toEqual({ verb: 'ls', json: true });
  });

  it('ls refuses extra words and other long options', () => {
    expectUsageError(() => parse('ls extra'), { message: 'unexpected "extra"', index: 1, word: 'extra' });
    expectUsageError(() => parse('ls --all'), { message: 'unknown option "--all"', index: 1, word: '--all', names: '--all' });
  });

  it('routes TARGET [--json]', () => {
    expect(parse('routes router')).toEqual({ verb: 'routes', target: auto('router'), json: false });
    expect(parse('routes docker router --json')).toEqual({ verb: 'routes', target: docker('router'), json: true });
    expect(parse('routes pid 42')).toEqual({ verb: 'routes', target: pid(42), json: false });
  });

  it('routes bad forms', () => {
    expectUsageError(() => parse('routes'), { message: `missing target (${TARGET_FORM})`, index: 1, word: undefined });
    expectUsageError(() => parse('routes router extra'), { message: 'unexpected "extra"', index: 2, word: 'extra' });
    expectUsageError(() => parse('routes pid abc'), { message: 'bad pid target "abc": pid must be a whole number from 1 to 4194304', index: 2, word: 'abc' });
  });
});

describe('parseCommand: ping', () => {
  it('ping TARGET ADDRESS counts 3 by default', () => {
    expect(parse('ping client 10.0.3.2')).toEqual({ verb: 'ping', target: auto('client'), address: '10.0.3.2', count: 3, json: false });
  });

  it('-c N, -cN, --count N, before or after the address; IPv6 lowercased', () => {
    expect(parse('ping client 10.0.3.2 -c 5 --json')).toEqual({ verb: 'ping', target: auto('client'), address: '10.0.3.2', count: 5, json: true });
    expect(parse('ping docker client -c5 2001:DB8::1')).toEqual({ verb: 'ping', target: docker('client'), address: '2001:db8::1', count: 5, json: false });
    expect(parse('ping client 10.0.3.2 --count 7')).toMatchObject({ count: 7 });
    expect(parse('ping client 10.0.3.2 -c 1000')).toMatchObject({ count: 1000 });
  });

  it('bad counts', () => {
    expectUsageError(() => parse('ping client 10.0.3.2 -c 0'), { message: 'bad count "0": must be from 1 to 1000', index: 4, word: '0', names: '"0"' });
    expectUsageError(() => parse('ping client 10.0.3.2 -c 1001'), { message: 'bad count "1001": must be from 1 to 1000', index: 4, word: '1001' });
    expectUsageError(() => parse('ping client 10.0.3.2 -c'), { message: 'bad count "": must be a whole number from 1 to 1000', index: 4, word: undefined });
    expectUsageError(() => parse('ping client 10.0.3.2 -c x'), { message: 'bad count "x": must be a whole number from 1 to 1000', index: 4, word: 'x' });
  });

  it('other bad forms', () => {
    expectUsageError(() => parse('ping client'), { message: 'missing the address to ping', index: 2, word: undefined });
    expectUsageError(() => parse('ping client 10.0.3.2 10.0.3.3'), { message: 'unexpected "10.0.3.3"', index: 3, word: '10.0.3.3' });
    expectUsageError(() => parse('ping client 10.0.300.2'), {
      message: 'bad address "10.0.300.2": not an IPv4 or IPv6 address',
      index: 2,
      word: '10.0.300.2',
      names: '10.0.300.2',
    });
    expectUsageError(() => parse('ping client 10.0.3.2 -f'), { message: 'unexpected "-f"', index: 3, word: '-f' });
    expectUsageError(() => parse('ping client 10.0.3.2 --flood'), { message: 'unknown option "--flood"', index: 3, word: '--flood' });
  });

  it('--json is removed before counting positions', () => {
    const err = expectUsageError(() => parse('ping client --json 10.0.3.2 -c 0'), { message: 'bad count "0": must be from 1 to 1000', index: 4, word: '0' });
    expect(err.location!.words).toEqual(['ping', 'client', '10.0.3.2', '-c', '0']);
  });
});

describe('parseCommand: probe', () => {
  it('a bare address becomes http://ADDR/', () => {
    expect(parse('probe client 10.0.3.2')).toEqual({ verb: 'probe', target: auto('client'), url: 'http://10.0.3.2/', timeoutMs: 5000, json: false });
  });

  it('a bare host:port/path becomes an http URL', () => {
    expect(parse('probe client 10.0.3.2:8080/x?y=1')).toMatchObject({ url: 'http://10.0.3.2:8080/x?y=1' });
  });

  it('http and https URLs are kept (normalized)', () => {
    expect(parse('probe client https://web.example')).toMatchObject({ url: 'https://web.example/' });
    expect(parse('probe client http://[2001:db8::1]:8080/')).toMatchObject({ url: 'http://[2001:db8::1]:8080/' });
    expect(parse('probe client HTTP://10.0.3.2/a')).toMatchObject({ url: 'http://10.0.3.2/a' });
  });

  it('--timeout MS before or after the URL, and --json', () => {
    expect(parse('probe client --timeout 100 10.0.0.1 --json')).toEqual({
      verb: 'probe',
      target: auto('client'),
      url: 'http://10.0.0.1/',
      timeoutMs: 100,
      json: true,
    });
    expect(parse('probe client 10.0.0.1 --timeout 600000')).toMatchObject({ timeoutMs: 600000 });
  });

  it('bad forms', () => {
    expectUsageError(() => parse('probe client ftp://x/'), {
      message: 'bad URL "ftp://x/": only http and https are supported',
      index: 2,
      word: 'ftp://x/',
      names: 'ftp://x/',
    });
    expectUsageError(() => parse('probe client http://'), { message: 'bad URL "http://": expected http://HOST[:PORT]/PATH', index: 2, word: 'http://' });
    expectUsageError(() => parse('probe client 10.0.0.1 --timeout 0'), { message: 'bad --timeout "0": must be from 1 to 600000', index: 4, word: '0' });
    expectUsageError(() => parse('probe client 10.0.0.1 --timeout'), { message: 'bad --timeout "": must be a whole number from 1 to 600000', index: 4, word: undefined });
    expectUsageError(() => parse('probe client'), { message: 'missing the URL to fetch', index: 2, word: undefined });
    expectUsageError(() => parse('probe client a b'), { message: 'unexpected "b"', index: 3, word: 'b' });
    expectUsageError(() => parse('probe client a --retries 3'), { message: 'unknown option "--retries"', index: 3, word: '--retries' });
  });
});

describe('parseCommand: kill', () => {
  it('kills a container or a named namespace', () => {
    expect(parse('kill client')).toEqual({ verb: 'kill', target: auto('client'), json: false });
    expect(parse('kill docker client')).toEqual({ verb: 'kill', target: docker('client'), json: false });
    expect(parse('kill netns red --json')).toEqual({ verb: 'kill', target: netns('red'), json: true });
  });

  it.each([
    ['kill pid 42', 'pid', 'pid 42'],
    ['kill pid:42', 'pid:42', 'pid 42'],
    ['kill host', 'host', 'host'],
    ['kill /proc/1/ns/net', '/proc/1/ns/net', '/proc/1/ns/net'],
    ['kill netns /var/run/netns/red', 'netns', '/var/run/netns/red'],
  ])('refuses %s, marking and naming the target', (line, word, named) => {
    expectUsageError(() => parse(line), { message: `kill takes a container or a named network namespace, not ${named}`, index: 1, word, names: named });
  });

  it('bad forms', () => {
    expectUsageError(() => parse('kill'), { message: `missing target (${TARGET_FORM})`, index: 1, word: undefined });
    expectUsageError(() => parse('kill client extra'), { message: 'unexpected "extra"', index: 2, word: 'extra' });
  });
});

describe('parseCommand: exec and shell', () => {
  it('exec takes the target, --, and the program with its arguments as they are', () => {
    expect(parse('exec t -- ip -br a')).toEqual({ verb: 'exec', target: auto('t'), argv: ['ip', '-br', 'a'] });
    expect(parse('exec docker web -- ping -c 1 10.0.0.1')).toEqual({ verb: 'exec', target: docker('web'), argv: ['ping', '-c', '1', '10.0.0.1'] });
    expect(parse('exec pid:42 -- true')).toEqual({ verb: 'exec', target: pid(42), argv: ['true'] });
    // words after -- are the program's: spaces, shell characters, options of ours, another --
    expect(parseCommand(['exec', 'netns', 'red', '--', 'printf', '%s', 'a b;|$x', '--help', '-h', '--json', '--'])).toEqual({
      verb: 'exec',
      target: netns('red'),
      argv: ['printf', '%s', 'a b;|$x', '--help', '-h', '--json', '--'],
    });
  });

  it('exec: --help before -- is help; missing --, missing command, junk before --', () => {
    expect(parse('exec --help')).toEqual({ verb: 'help', topic: 'exec' });
    expectUsageError(() => parse('exec t ip -br a'), { message: 'expected "--" before the command, got "ip"', index: 2, word: 'ip' });
    expectUsageError(() => parse('exec t'), { message: 'missing "--" and the command to run', index: 2, word: undefined });
    expectUsageError(() => parse('exec t --'), { message: 'missing the command to run after "--"', index: 3, word: undefined });
    expectUsageError(() => parse('exec t x -- ls'), { message: 'unexpected "x": "--" comes right after the target', index: 2, word: 'x' });
    expectUsageError(() => parse('exec -- ls'), { message: `missing target (${TARGET_FORM})`, index: 1 });
    const err = expectUsageError(() => parse('exec t ls'), { message: 'expected "--" before the command, got "ls"', index: 2 });
    expect(err.expected).toBe(USAGE.exec);
    expect(USAGE.exec).toMatch(/^exec TARGET -- CMD \[ARG\.\.\.\]/);
  });

  it('shell takes one target and nothing else', () => {
    expect(parse('shell client')).toEqual({ verb: 'shell', target: auto('client') });
    expect(parse('shell docker:web')).toEqual({ verb: 'shell', target: docker('web') });
    expectUsageError(() => parse('shell'), { message: `missing target (${TARGET_FORM})`, index: 1, word: undefined });
    expectUsageError(() => parse('shell t extra'), { message: 'unexpected "extra"', index: 2, word: 'extra' });
    expectUsageError(() => parse('shell t -- ls'), { message: 'shell takes no command: to run one, exec TARGET -- CMD [ARG...]', index: 2, word: '--' });
  });
});

describe('parseCommand: errors are UsageErrors only', () => {
  it('no verb throws anything but UsageError for junk input', () => {
    const junk = [['koko', '-d'], ['koro', 'docker'], ['fw'], ['ping'], ['probe'], ['kill'], ['routes'], ['forward'], ['ls', 'x'], ['nope']];
    for (const line of junk) {
      expect(() => parseCommand(line), line.join(' ')).toThrow(UsageError);
    }
  });
});
