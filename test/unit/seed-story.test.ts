/**
 * Every koko and koro line of the seed story ("Chainmail of NFV", dougbtv,
 * 2017) parses to the command it means. The lines and their meanings are
 * listed here; a second test reads the story itself, extracts every koko/koro
 * line from its code blocks and checks that it is exactly this list, so that
 * neither the story nor the extraction can drift silently.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseKoko, type KokoCommand } from '../../src/parse/koko.js';
import { parseKoro, type KoroCommand } from '../../src/parse/koro.js';
import { parseCommand } from '../../src/parse/verbs.js';
import { docker, end, v4, words } from './helpers.js';

const SEED = process.env.CHAINMAIL_SEED_STORY ?? '/work/shared/seed/chainmail-of-nfv.md';

type SeedLine = { program: 'koko'; line: string; expected: KokoCommand } | { program: 'koro'; line: string; expected: KoroCommand };

const veth = (a: string, aIf: string, b: string, bIf: string, aAddr?: string, bAddr?: string): KokoCommand => ({
  verb: 'koko',
  action: 'veth',
  json: false,
  ends: [end(docker(a), aIf, aAddr ? [v4(aAddr, 24)] : []), end(docker(b), bIf, bAddr ? [v4(bAddr, 24)] : [])],
});
const addr = (container: string, address: string, dev: string): KoroCommand => ({
  verb: 'koro',
  target: docker(container),
  object: 'address',
  action: 'add',
  address: v4(address, 24),
  dev,
  json: false,
});
const defaultVia = (container: string, via: string, dev: string): KoroCommand => ({
  verb: 'koro',
  target: docker(container),
  object: 'route',
  action: 'add',
  destination: { kind: 'default', family: 4 },
  via,
  dev,
  json: false,
});
const routeVia = (container: string, prefix: string, via: string, dev: string): KoroCommand => ({
  verb: 'koro',
  target: docker(container),
  object: 'route',
  action: 'add',
  destination: { kind: 'prefix', prefix: v4(prefix, 24) },
  via,
  dev,
  json: false,
});
const koko = (line: string, expected: KokoCommand): SeedLine => ({ program: 'koko', line, expected });
const koro = (line: string, expected: KoroCommand): SeedLine => ({ program: 'koro', line, expected });

/** In the order they appear in the story. */
const SEED_LINES: SeedLine[] = [
  // warm-up with iptables, addresses given to koko
  koko('-d test1,link1,10.0.1.1/24 -d iptables,link2,10.0.1.2/24', veth('test1', 'link1', 'iptables', 'link2', '10.0.1.1', '10.0.1.2')),
  koko('-d iptables,link3,10.0.2.1/24 -d test2,link4,10.0.2.2/24', veth('iptables', 'link3', 'test2', 'link4', '10.0.2.1', '10.0.2.2')),
  // warm-up again, addresses given by koro
  koko('-d test1,link1 -d iptables,link2', veth('test1', 'link1', 'iptables', 'link2')),
  koko('-d iptables,link3 -d test2,link4', veth('iptables', 'link3', 'test2', 'link4')),
  koro('docker test1 address add 10.0.1.1/24 dev link1', addr('test1', '10.0.1.1', 'link1')),
  koro('docker iptables address add 10.0.1.2/24 dev link2', addr('iptables', '10.0.1.2', 'link2')),
  koro('docker iptables address add 10.0.2.1/24 dev link3', addr('iptables', '10.0.2.1', 'link3')),
  koro('docker test2 address add 10.0.2.2/24 dev link4', addr('test2', '10.0.2.2', 'link4')),
  koro('docker test1 route add default via 10.0.1.2 dev link1', defaultVia('test1', '10.0.1.2', 'link1')),
  koro('docker test2 route add default via 10.0.2.1 dev link4', defaultVia('test2', '10.0.2.1', 'link4')),
  // the service chain: client -> firewall -> router -> webserver
  koko('-d client,link1 -d firewall,link2', veth('client', 'link1', 'firewall', 'link2')),
  koko('-d firewall,link3 -d router,link4', veth('firewall', 'link3', 'router', 'link4')),
  koko('-d router,link5 -d webserver,link6', veth('router', 'link5', 'webserver', 'link6')),
  koro('docker client address add 10.0.1.1/24 dev link1', addr('client', '10.0.1.1', 'link1')),
  koro('docker firewall address add 10.0.1.2/24 dev link2', addr('firewall', '10.0.1.2', 'link2')),
  koro('docker firewall address add 10.0.2.1/24 dev link3', addr('firewall', '10.0.2.1', 'link3')),
  koro('docker router address add 10.0.2.2/24 dev link4', addr('router', '10.0.2.2', 'link4')),
  koro('docker router address add 10.0.3.1/24 dev link5', addr('router', '10.0.3.1', 'link5')),
  koro('docker webserver address add 10.0.3.2/24 dev link6', addr('webserver', '10.0.3.2', 'link6')),
  koro('docker client route add default via 10.0.1.2 dev link1', defaultVia('client', '10.0.1.2', 'link1')),
  koro('docker webserver route add default via 10.0.3.1 dev link6', defaultVia('webserver', '10.0.3.1', 'link6')),
  koro('docker firewall route add 10.0.3.0/24 via 10.0.2.2 dev link3', routeVia('firewall', '10.0.3.0', '10.0.2.2', 'link3')),
  koro('docker router route add 10.0.1.0/24 via 10.0.2.1 dev link4', routeVia('router', '10.0.1.0', '10.0.2.1', 'link4')),
  // the firewall dies; the client is wired straight to the router
  koko('-d client,link7 -d router,link8', veth('client', 'link7', 'router', 'link8')),
  koro('docker client address add 10.0.4.1/24 dev link7', addr('client', '10.0.4.1', 'link7')),
  koro('docker router address add 10.0.4.2/24 dev link8', addr('router', '10.0.4.2', 'link8')),
  koro('docker client route add default via 10.0.4.2 dev link7', defaultVia('client', '10.0.4.2', 'link7')),
];

/**
 * The koko/koro lines inside ``` blocks: whatever precedes the program name
 * (a prompt such as "$ " or "[root@koko1 centos]# ", a path such as
 * ./gocode/bin/) is dropped; the words after it are kept.
 */
function extractSeedLines(markdown: string): Array<{ program: 'koko' | 'koro'; line: string }> {
  const found: Array<{ program: 'koko' | 'koro'; line: string }> = [];
  let inBlock = false;
  for (const raw of markdown.split('\n')) {
    if (/^\s*```/.test(raw)) {
      inBlock = !inBlock;
      continue;
    }
    if (!inBlock) continue;
    // the program name must be a whole path segment: "koko1" in a prompt is not koko
    const m = /(?:^|[\s/])(koko|koro)\s+(\S.*?)\s*$/.exec(raw);
    if (m) found.push({ program: m[1] as 'koko' | 'koro', line: m[2]! });
  }
  return found;
}

describe('seed story: every koko and koro line parses to the right command', () => {
  it('lists 8 koko lines and 19 koro lines', () => {
    expect(SEED_LINES.filter((l) => l.program === 'koko')).toHaveLength(8);
    expect(SEED_LINES.filter((l) => l.program === 'koro')).toHaveLength(19);
  });

  it.each(SEED_LINES.map((l) => [l.program, l.line, l] as const))('%s %s', (_program, line, seed) => {
    const parsed = seed.program === 'koko' ? parseKoko(words(line)) : parseKoro(words(line));
    expect(parsed).toEqual(seed.expected);
    // the same line through the whole-command parser, verb first
    expect(parseCommand([seed.program, ...words(line)])).toEqual(seed.expected);
  });
});

describe.runIf(existsSync(SEED))(`seed story file (${SEED})`, () => {
  const markdown = existsSync(SEED) ? readFileSync(SEED, 'utf8') : '';
  const extracted = extractSeedLines(markdown);

  it('holds exactly the koko/koro lines listed above, in order (27 lines)', () => {
    expect(extracted).toHaveLength(27);
    expect(extracted).toEqual(SEED_LINES.map(({ program, line }) => ({ program, line })));
  });

  it('every extracted line parses without error', () => {
    for (const { program, line } of extracted) {
      expect(() => parseCommand([program, ...words(line)]), `${program} ${line}`).not.toThrow();
    }
  });
});

describe('extractSeedLines', () => {
  it('takes lines with a prompt, a path or nothing before the program, only inside code blocks', () => {
    const md = [
      'koko -d outside,block -d is,prose',
      '```',
      '$ ./gocode/bin/koko -d a,l1 -d b,l2',
      '[root@koko1 centos]# ./gocode/bin/koro docker a route add default via 10.0.1.2 dev l1',
      './koro docker b address add 10.0.1.2/24 dev l2',
      '[root@koko1 centos]# docker exec -it client ip route',
      '$ docker run --name koko1 -dt image',
      '```',
      'and koro docker x address add 1.2.3.4/24 dev y in prose',
    ].join('\n');
    expect(extractSeedLines(md)).toEqual([
      { program: 'koko', line: '-d a,l1 -d b,l2' },
      { program: 'koro', line: 'docker a route add default via 10.0.1.2 dev l1' },
      { program: 'koro', line: 'docker b address add 10.0.1.2/24 dev l2' },
    ]);
  });
});
