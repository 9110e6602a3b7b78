import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { normalizePasted, splitPaste, splitWords, toCommandWords } from '../../src/parse/prompt-line.js';
import { usageErrorOf } from './helpers.js';

/** Every koko and koro line of the seed story, without what preceded the program. */
const SEED_COMMANDS = [
  'koko -d test1,link1,10.0.1.1/24 -d iptables,link2,10.0.1.2/24',
  'koko -d iptables,link3,10.0.2.1/24 -d test2,link4,10.0.2.2/24',
  'koko -d test1,link1 -d iptables,link2',
  'koko -d iptables,link3 -d test2,link4',
  'koro docker test1 address add 10.0.1.1/24 dev link1',
  'koro docker iptables address add 10.0.1.2/24 dev link2',
  'koro docker iptables address add 10.0.2.1/24 dev link3',
  'koro docker test2 address add 10.0.2.2/24 dev link4',
  'koro docker test1 route add default via 10.0.1.2 dev link1',
  'koro docker test2 route add default via 10.0.2.1 dev link4',
  'koko -d client,link1 -d firewall,link2',
  'koko -d firewall,link3 -d router,link4',
  'koko -d router,link5 -d webserver,link6',
  'koro docker client address add 10.0.1.1/24 dev link1',
  'koro docker firewall address add 10.0.1.2/24 dev link2',
  'koro docker firewall address add 10.0.2.1/24 dev link3',
  'koro docker router address add 10.0.2.2/24 dev link4',
  'koro docker router address add 10.0.3.1/24 dev link5',
  'koro docker webserver address add 10.0.3.2/24 dev link6',
  'koro docker client route add default via 10.0.1.2 dev link1',
  'koro docker webserver route add default via 10.0.3.1 dev link6',
  'koro docker firewall route add 10.0.3.0/24 via 10.0.2.2 dev link3',
  'koro docker router route add 10.0.1.0/24 via 10.0.2.1 dev link4',
  'koko -d client,link7 -d router,link8',
  'koro docker client address add 10.0.4.1/24 dev link7',
  'koro docker router address add 10.0.4.2/24 dev link8',
  'koro docker client route add default via 10.0.4.2 dev link7',
];

/** The ways the story (and people) put a prompt and a path in front of them. */
const PASTE_FORMS = [
  (cmd: string) => cmd,
  (cmd: string) => `./gocode/bin/${cmd}`,
  (cmd: string) => `$ ./gocode/bin/${cmd}`,
  (cmd: string) => `[root@koko1 centos]# ./gocode/bin/${cmd}`,
  (cmd: string) => `$ ./${cmd}`,
  (cmd: string) => `  ./${cmd}  `,
  (cmd: string) => `# /usr/local/bin/${cmd}`,
  (cmd: string) => `% sudo ${cmd}`,
  (cmd: string) => `user@host:~/src$ chainmail ${cmd}`,
  (cmd: string) => `$ sudo ~/go/bin/chainmail ${cmd}`,
];

describe('toCommandWords: the seed story as pasted', () => {
  it.each(SEED_COMMANDS)('%s', (cmd) => {
    const expected = cmd.split(' ');
    for (const form of PASTE_FORMS) {
      const pasted = form(cmd);
      expect(toCommandWords(pasted), pasted).toEqual(expected);
      expect(() => parseCommand(toCommandWords(pasted)!), pasted).not.toThrow();
    }
  });

  it("takes the story's `docker kill firewall` as kill firewall (a container, or a namespace of that name)", () => {
    expect(toCommandWords('[root@koko1 centos]# docker kill firewall')).toEqual(['kill', 'firewall']);
    expect(parseCommand(['kill', 'firewall'])).toMatchObject({ verb: 'kill', target: { kind: 'auto', name: 'firewall' } });
  });

  it('refuses other docker commands instead of running them', () => {
    const err = usageErrorOf(() => toCommandWords('$ docker exec -it client ip route'));
    expect(err.message).toBe('"docker exec" is not run here; here that is: routes client');
    expect(err.location).toEqual({ words: ['docker', 'exec', '-it', 'client', 'ip', 'route'], index: 1 });
    expect(usageErrorOf(() => toCommandWords('docker ps')).message).toBe('"docker ps" is not understood here: only "docker kill NAME" is');
    expect(usageErrorOf(() => toCommandWords('docker')).message).toBe('"docker" alone is not understood here: only "docker kill NAME" is');
  });

  it('a docker exec line of the story is refused with the verb that does the same', () => {
    const hint = (line: string) => usageErrorOf(() => toCommandWords(line)).message.replace(/^"docker exec" is not run here; /, '');
    expect(hint(`$ docker exec -it router /bin/sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'`)).toBe('here that is: forward router on');
    expect(hint('docker exec -it firewall iptables -A FORWARD -p icmp -j DROP')).toBe('here that is: fw firewall list|add|del RULE...');
    expect(hint('docker exec client ip addr')).toBe('here that is: koro docker client address show');
    expect(hint('docker exec -e A=1 client curl -s 10.0.3.2')).toBe('here that is: probe client URL');
    expect(hint('docker exec -it client /bin/sh')).toBe('here that is: shell client');
    expect(hint('docker exec client cat /etc/hosts')).toBe(
      "here that is: shell client (the container's own shell), or exec client -- CMD... (a program of the host in its network namespace)",
    );
    expect(hint('docker exec -it client')).toBe("use a shell for it (the prompt runs chainmail's verbs: press ? for them)");
    // typed inside the container's shell, as the story does
    expect(usageErrorOf(() => toCommandWords('/ # echo 1 > /proc/sys/net/ipv4/ip_forward')).message).toBe(
      'the story turns on forwarding inside the container; here that is: forward NAME on',
    );
  });

  it('keeps `$(docker ps -aq)` literal, so the kill is refused as a bad name', () => {
    const words = toCommandWords('$ docker kill $(docker ps -aq)');
    expect(words).toEqual(['kill', '$(docker', 'ps', '-aq)']);
    expect(() => parseCommand(words!)).toThrow(UsageError);
  });

  it('returns undefined for blank and comment lines', () => {
    for (const line of ['', '   ', '$ ', '# now add the routes', '#comment', '## heading', '[root@koko1 centos]# #note']) {
      expect(toCommandWords(line), JSON.stringify(line)).toBeUndefined();
    }
  });

  it('passes the TUI verbs through', () => {
    expect(toCommandWords('watch ping client 10.0.3.2')).toEqual(['watch', 'ping', 'client', '10.0.3.2']);
    expect(toCommandWords('$ unwatch all')).toEqual(['unwatch', 'all']);
    expect(toCommandWords('# quit')).toEqual(['quit']);
  });
});

const SEED = process.env.CHAINMAIL_SEED_STORY ?? '/work/shared/seed/chainmail-of-nfv.md';

describe.runIf(existsSync(SEED))('toCommandWords: the lines of the seed story file, verbatim', () => {
  const codeLines = (markdown: string): string[] => {
    let inBlock = false;
    return markdown.split('\n').filter((line) => {
      if (/^\s*```/.test(line)) inBlock = !inBlock;
      else return inBlock;
      return false;
    });
  };
  const lines = existsSync(SEED) ? codeLines(readFileSync(SEED, 'utf8')) : [];
  const programLines = lines.filter((line) => /(?:^|[\s/])(?:koko|koro)\s/.test(line));

  it('finds the 27 koko and koro lines', () => {
    expect(programLines).toHaveLength(27);
  });

  it('turns each, prompt and path and all, into the command', () => {
    expect(programLines.map((line) => toCommandWords(line)?.join(' '))).toEqual(SEED_COMMANDS);
  });
});

describe('normalizePasted', () => {
  it.each([
    ['[root@koko1 centos]# ./gocode/bin/koro docker client route add default via 10.0.1.2 dev link1', 'koro docker client route add default via 10.0.1.2 dev link1'],
    ['/ # echo 1 > /proc/sys/net/ipv4/ip_forward', 'echo 1 > /proc/sys/net/ipv4/ip_forward'],
    ['$ docker pull vimagick/iptables', 'docker pull vimagick/iptables'],
    ['chainmail koko -d a,l1 -d b,l2', 'koko -d a,l1 -d b,l2'],
    ['./bin/chainmail ls', 'ls'],
    ['sudo koro docker a route show', 'koro docker a route show'],
    ['\t koko  -d a,l1   -d b,l2 \n', 'koko  -d a,l1   -d b,l2'],
  ])('%j -> %j', (line, expected) => {
    expect(normalizePasted(line)).toBe(expected);
  });

  it('leaves everything else untouched', () => {
    for (const line of ['# now add the routes', 'kokonut -d a', 'ls --json', 'koro docker koko1 address show', '/proc/1/ns/net']) {
      expect(normalizePasted(line)).toBe(line);
    }
  });

  it('does not take a program path that merely ends in a longer name', () => {
    expect(normalizePasted('./bin/kokos -d a,l1')).toBe('./bin/kokos -d a,l1');
  });
});

describe('splitWords', () => {
  it.each([
    ['koko -d a,l1   -d b,l2', ['koko', '-d', 'a,l1', '-d', 'b,l2']],
    [`fw client add -m comment --comment 'no pings here' -j DROP`, ['fw', 'client', 'add', '-m', 'comment', '--comment', 'no pings here', '-j', 'DROP']],
    [`a "b c" 'd "e"' "f 'g'"`, ['a', 'b c', 'd "e"', "f 'g'"]],
    [`x"y z"w`, ['xy zw']],
    [`a '' "" b`, ['a', '', '', 'b']],
    [String.raw`a\ b c\"d "e\"f" 'g\h'`, ['a b', 'c"d', 'e"f', String.raw`g\h`]],
    [String.raw`trailing\ `, ['trailing ']],
    ['end\\\\', ['end\\']], // an escaped backslash
    ['lone\\', ['lone\\']], // nothing to escape: kept
    ['$(x) $HOME * ~ `id` a;b a|b', ['$(x)', '$HOME', '*', '~', '`id`', 'a;b', 'a|b']],
    ['\tone\ttwo  ', ['one', 'two']],
    ['', []],
    ['café 🧦', ['café', '🧦']],
  ])('%j', (line, expected) => {
    expect(splitWords(line)).toEqual(expected);
  });

  it('names an unterminated quote', () => {
    const single = usageErrorOf(() => splitWords(`fw a add --comment 'no pings -j DROP`));
    expect(single.message).toBe("unterminated single quote (')");
    expect(single.location).toEqual({ words: ['fw', 'a', 'add', '--comment', "'no pings -j DROP"], index: 4 });
    const double = usageErrorOf(() => splitWords('koko -d "a,l1'));
    expect(double.message).toBe('unterminated double quote (")');
    expect(double.location?.index).toBe(2);
    expect(usageErrorOf(() => splitWords(String.raw`a "b\"`)).message).toBe('unterminated double quote (")');
  });

  it('through toCommandWords too', () => {
    expect(() => toCommandWords(`$ koro docker 'client address show`)).toThrow("unterminated single quote (')");
  });
});

describe('splitPaste', () => {
  it.each([
    ['koko -d a,l1', [], 'koko -d a,l1'],
    ['one\n', ['one'], ''],
    ['one\ntwo\n', ['one', 'two'], ''],
    ['one\r\ntwo\r\n', ['one', 'two'], ''],
    ['one\rtwo\r', ['one', 'two'], ''],
    ['one\r\ntwo\nthree\rpart', ['one', 'two', 'three'], 'part'],
    ['\n\nx', ['', ''], 'x'],
    ['', [], ''],
  ])('%j', (text, lines, rest) => {
    expect(splitPaste(text)).toEqual({ lines, rest });
  });
});
