import { describe, expect, it } from 'vitest';
import { complete, type CompletionContext } from '../../src/ui/completion.js';

const ctx: CompletionContext = {
  targets: ['client', 'firewall', 'router', 'webserver', 'web2'],
  interfaces: {
    client: ['lo', 'link1', 'link7'],
    router: ['lo', 'link4', 'link5', 'link8'],
    webserver: ['lo', 'link6'],
    host: ['eth0', 'docker0'],
  },
};

/** `|` marks the cursor, before and after. */
function tab(marked: string): { after: string; candidates: string[] } {
  const cursor = marked.indexOf('|');
  const r = complete(marked.replace('|', ''), cursor, ctx);
  return { after: r.line.slice(0, r.cursor) + '|' + r.line.slice(r.cursor), candidates: r.candidates };
}

type Case = [before: string, after: string, candidates?: string[]];

const cases: Record<string, Case[]> = {
  'verbs (first word)': [
    ['ko|', 'ko|', ['koko', 'koro']],
    ['kok|', 'koko |'],
    ['w|', 'watch |'],
    ['unw|', 'unwatch |'],
    ['do|', 'docker |'],
    ['cl|', 'clear |'],
    ['qu|', 'quit |'],
    ['he|', 'he|', ['heal', 'help']],
    ['hel|', 'help |'],
    ['f|', 'f|', ['forward', 'fw']],
    ['fo|', 'forward |'],
    ['p|', 'p|', ['ping', 'probe', 'pingall']],
    ['zz|', 'zz|'],
  ],
  'koro keywords': [
    ['koro |', 'koro |', ['docker', 'netns', 'ipnetns', 'pid', 'address', 'route', 'client', 'firewall', 'router', 'webserver', 'web2']],
    // a bare target name, chainmail's addition to koro's grammar
    ['koro fi|', 'koro firewall |'],
    ['koro rou|', 'koro route|', ['route', 'router']],
    ['koro d|', 'koro docker |'],
    ['koro ip|', 'koro ipnetns |'],
    ['koro docker client a|', 'koro docker client address |'],
    ['koro docker client r|', 'koro docker client route |'],
    ['koro docker client route a|', 'koro docker client route add |'],
    ['koro docker client route |', 'koro docker client route |', ['add', 'del', 'show']],
    ['koro docker client route add d|', 'koro docker client route add default |'],
    ['koro docker client route add default |', 'koro docker client route add default |', ['via', 'dev']],
    ['koro docker client route add default v|', 'koro docker client route add default via |'],
    ['koro docker client route add default via 10.0.1.2 d|', 'koro docker client route add default via 10.0.1.2 dev |'],
    ['koro docker client route add default via 10.0.1.2 dev link1 |', 'koro docker client route add default via 10.0.1.2 dev link1 |'],
    ['koro docker client address add 10.0.1.1/24 |', 'koro docker client address add 10.0.1.1/24 dev |'],
    ['koro docker client address add |', 'koro docker client address add |'],
    ['koro docker client route show |', 'koro docker client route show |'],
    ['koro address |', 'koro address |', ['add', 'del', 'show']],
    ['koro pid |', 'koro pid |'],
  ],
  targets: [
    ['koro docker |', 'koro docker |', ['client', 'firewall', 'router', 'webserver', 'web2']],
    ['koro docker c|', 'koro docker client |'],
    ['koro netns w|', 'koro netns web|', ['webserver', 'web2']],
    ['kill f|', 'kill firewall |'],
    ['kill docker r|', 'kill docker router |'],
    ['routes web|', 'routes web|', ['webserver', 'web2']],
    ['ping cl|', 'ping client |'],
    ['ping client |', 'ping client |'],
    ['probe c|', 'probe client |'],
    ['docker k|', 'docker kill |'],
    ['docker kill fi|', 'docker kill firewall |'],
    ['watch |', 'watch |', ['ping', 'http']],
    ['watch h|', 'watch http |'],
    ['watch ping ro|', 'watch ping router |'],
    ['unwatch a|', 'unwatch all |'],
  ],
  'koko endpoints': [
    ['koko -d c|', 'koko -d client,|'],
    ['koko -d client|', 'koko -d client,|'],
    ['koko -n ro|', 'koko -n router,|'],
    ['koko -d client,|', 'koko -d client,l|', ['lo', 'link1', 'link7']],
    ['koko -d client,li|', 'koko -d client,link|', ['link1', 'link7']],
    ['koko -d client,link7|', 'koko -d client,link7 |'],
    ['koko -d router,link5 -d client,l|', 'koko -d router,link5 -d client,l|', ['lo', 'link1', 'link7']],
    ['koko -d client,link7 -d router,link8|', 'koko -d client,link7 -d router,link8 |'],
    ['koko -D webserver,l|', 'koko -D webserver,l|', ['lo', 'link6']],
    ['koko -D webserver,li|', 'koko -D webserver,link6 |'],
    ['koko -d ghost,|', 'koko -d ghost,|'],
    ['koko -d client,link1,10.0.1.1/24,|', 'koko -d client,link1,10.0.1.1/24,|'],
    ['koko -p 42|', 'koko -p 42|'],
    ['koko -d client,link1 -|', 'koko -d client,link1 -|', ['-d', '-n', '-p', '-a', '-c', '-D', '-N', '-P', '-A', '-C', '-x', '-V', '-M', '--mtu']],
    ['koko -d client,link1 -V|', 'koko -d client,link1 -V |'],
  ],
  'interfaces after dev': [
    ['koro docker router address add 10.0.2.2/24 dev l|', 'koro docker router address add 10.0.2.2/24 dev l|', ['lo', 'link4', 'link5', 'link8']],
    ['koro docker router address add 10.0.2.2/24 dev link8|', 'koro docker router address add 10.0.2.2/24 dev link8 |'],
    ['koro docker webserver route add default via 10.0.3.1 dev |', 'koro docker webserver route add default via 10.0.3.1 dev l|', ['lo', 'link6']],
    ['koro client address show dev link|', 'koro client address show dev link|', ['link1', 'link7']],
    ['koro route add default dev e|', 'koro route add default dev eth0 |'],
    ['koro docker ghost address add 1.2.3.4/24 dev |', 'koro docker ghost address add 1.2.3.4/24 dev |'],
  ],
  'fw, forward, help, options': [
    ['fw client |', 'fw client |', ['list', 'add', 'del']],
    ['fw client l|', 'fw client list |'],
    ['fw docker client a|', 'fw docker client add |'],
    ['fw client add -p|', 'fw client add -p|'],
    ['forward router o|', 'forward router o|', ['on', 'off']],
    ['forward router of|', 'forward router off |'],
    ['forward router on |', 'forward router on |'],
    ['help ko|', 'help ko|', ['koko', 'koro']],
    ['help wa|', 'help watch |'],
    ['ls --j|', 'ls --json |'],
    ['ping client 10.0.3.2 --c|', 'ping client 10.0.3.2 --count |'],
    ['probe client http://10.0.3.2/ --t|', 'probe client http://10.0.3.2/ --timeout |'],
    ['clear |', 'clear |'],
    ['quit |', 'quit |'],
    ['nonsense w|', 'nonsense w|'],
  ],
  'cursor inside the line': [
    // the separator already there is stepped over, not doubled
    ['kill f| now', 'kill firewall |now'],
    ['koko -d c|,link1', 'koko -d client,|link1'],
    ['ko|ko -d a,b', 'ko|ko -d a,b', ['koko', 'koro']],
    ['koro docker r| address show', 'koro docker router |address show'],
  ],
};

describe('complete', () => {
  for (const [group, list] of Object.entries(cases)) {
    describe(group, () => {
      it.each(list)('%j -> %j', (before, after, candidates = []) => {
        expect(tab(before)).toEqual({ after, candidates });
      });
    });
  }

  it('does not reach into the prototype for a target called "constructor"', () => {
    expect(complete('koro docker constructor address add 1.2.3.4/24 dev ', 52, ctx).candidates).toEqual([]);
    expect(complete('koko -d toString,', 17, ctx).candidates).toEqual([]);
  });

  it('lists each candidate once', () => {
    const dup = { targets: ['a1', 'a1', 'a2'], interfaces: {} };
    expect(complete('kill a', 6, dup).candidates).toEqual(['a1', 'a2']);
  });
});
