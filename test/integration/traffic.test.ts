/**
 * Traffic and drops, live, in the UI's model (Session) on namespaces of this
 * test: a hop under a ping shows packets per second (read from the kernel's
 * counters through the UI's own netlink monitors), and the firewall's drop
 * counter rises under `fw ... add -p icmp -j DROP` while pinging across it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/host/context.js';
import { readForwardCounters } from '../../src/net/firewall-rules.js';
import { linkKey } from '../../src/render/chain-input.js';
import { renderChainsText } from '../../src/render/chain.js';
import { Session } from '../../src/ui/session/session.js';
import { chainmail, eventually, isRoot, Scratch } from '../support/kernel.js';

const scratch = new Scratch();
let session: Session | undefined;
afterEach(async () => {
  session?.stop();
  session = undefined;
  await scratch.cleanup();
});

function cli(args: string[]): void {
  const r = chainmail(args);
  if (r.code !== 0) throw new Error(`chainmail ${args.join(' ')}: ${r.stderr}`);
}

/** a (10.81.1.1) -- fw (10.81.1.2 | 10.81.2.1) -- c (10.81.2.2), routed through fw. */
function chain(): { a: string; fw: string; c: string } {
  const a = scratch.netns('tra');
  const fw = scratch.netns('trf');
  const c = scratch.netns('trc');
  cli(['koko', '-n', `${a},af,10.81.1.1/24`, '-n', `${fw},fa,10.81.1.2/24`]);
  cli(['koko', '-n', `${fw},fc,10.81.2.1/24`, '-n', `${c},cf,10.81.2.2/24`]);
  cli(['koro', a, 'route', 'add', 'default', 'via', '10.81.1.2', 'dev', 'af']);
  cli(['koro', c, 'route', 'add', 'default', 'via', '10.81.2.1', 'dev', 'cf']);
  cli(['forward', fw, 'on']);
  return { a, fw, c };
}

describe.skipIf(!isRoot)('traffic and drops in the UI model', () => {
  it('a hop under a ping shows pps; the firewall counts the pings its DROP rule drops, on its box', async () => {
    const { a, fw } = chain();
    const s = (session = new Session(createContext()));
    s.start();
    const hopKey = () => {
      const link = s.state.topology?.links.find((l) => [l.a.target, l.b?.target].includes(a) && [l.a.target, l.b?.target].includes(fw));
      return link && linkKey(link);
    };
    const key = await eventually(hopKey, (k) => k !== undefined, 15_000);
    expect(key, 'the hop between the client and the firewall is drawn').toBeDefined();

    // twenty pings a second across the hop: both ways, so about forty packets a second through it
    scratch.spawnIn(a, ['ping', '-n', '-q', '-i', '0.05', '10.81.1.2']);
    const pps = await eventually(
      () => s.state.traffic.get(key!) ?? 0,
      (v) => v >= 10,
      10_000,
    );
    expect(pps).toBeGreaterThanOrEqual(10);
    expect(renderChainsText(s.chain().nodes, s.chain().hops, 400).join('\n')).toMatch(/═[✓?✗][^═]* \d+pps═/);

    // the rule at the prompt: the session looks at the target it changed and counts from then on
    const add = await s.runLine(`fw ${fw} add -p icmp -j DROP`);
    expect(add.ok, add.lines.join('\n')).toBe(true);
    const counted = await eventually(
      () => s.state.drops.get(fw),
      (d) => d !== undefined,
      5000,
    );
    expect(counted, 'the firewall has a drop count').toBeDefined();
    const before = counted!.dropped;
    const ping = await s.runLine(`ping ${a} 10.81.2.2 -c 5`);
    expect(ping.ok).toBe(false);
    const after = await eventually(
      () => s.state.drops.get(fw)?.dropped ?? 0,
      (d) => d >= before + 5,
      5000,
    );
    expect(after).toBeGreaterThanOrEqual(before + 5);
    // what the UI says agrees with iptables itself
    expect((await readForwardCounters({ kind: 'netns', label: fw, path: `/var/run/netns/${fw}`, netnsName: fw })).dropped).toBeGreaterThanOrEqual(after);
    expect(renderChainsText(s.chain().nodes, s.chain().hops, 400).join('\n')).toContain(`[${fw} · `);

    // the rule gone, the target is no longer counted
    expect((await s.runLine(`fw ${fw} del 1`)).ok).toBe(true);
    const gone = await eventually(
      () => s.state.drops.get(fw),
      (d) => d === undefined,
      5000,
    );
    expect(gone).toBeUndefined();
  }, 60_000);
});
