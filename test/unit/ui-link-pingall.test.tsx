/**
 * The UI's side of `link` and `pingall`: a hop with an end set down is drawn
 * with its own mark, and `pingall` typed at the prompt puts its matrix in the
 * log. The verb itself is replaced here (it pings from inside namespaces);
 * the prompt, the runner and the log are the real ones, and nothing reads the host.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/host/context.js';
import type { PingallResult } from '../../src/plan/pingall.js';
import { renderPingall } from '../../src/render/pingall.js';
import type { TargetState, Topology } from '../../src/topology/model.js';
import { App } from '../../src/ui/components/App.js';
import { ChainView } from '../../src/ui/components/ChainView.js';
import { CommandHistory } from '../../src/ui/history.js';
import { RefreshScheduler } from '../../src/ui/session/refresh.js';
import { Session } from '../../src/ui/session/session.js';
import { iface } from './helpers.js';

const pair = (from: string, to: string, ok: boolean): PingallResult => ({
  from,
  to,
  address: to === 'client' ? '10.0.1.1' : '10.0.1.2',
  expected: false,
  ok,
  ran: true,
  ...(ok ? { ms: 0.07 } : {}),
});

vi.mock('../../src/verbs/pingall.js', () => ({
  runPingall: vi.fn(async () => {
    const results = [pair('client', 'firewall', true), pair('firewall', 'client', false)];
    return { ok: true, lines: renderPingall(['client', 'firewall'], results), json: {} };
  }),
}));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  vi.restoreAllMocks();
});

const target = (label: string, interfaces: TargetState['interfaces']): TargetState => ({
  ns: { kind: 'netns', label, path: '', netnsName: label },
  status: 'present',
  interfaces,
});

/** client - firewall, with client's end set down. */
const downTopology: Topology = {
  targets: [target('client', [iface('link1', 'veth', { adminUp: false, state: 'DOWN' })]), target('firewall', [iface('link2', 'veth', { state: 'LOWERLAYERDOWN' })])],
  links: [
    {
      kind: 'veth',
      a: { target: 'client', ifname: 'link1', addresses: ['10.0.1.1/24'] },
      b: { target: 'firewall', ifname: 'link2', addresses: ['10.0.1.2/24'] },
    },
  ],
  warnings: [],
};

describe('ChainView: a hop with an end set down', () => {
  it('shows ⇣ down on the hop, with both boxes up', () => {
    const session = new Session({} as CommandContext);
    session.state = { ...session.state, topology: downTopology };
    const { nodes, hops } = session.chain();
    const { lastFrame, unmount } = render(<ChainView nodes={nodes} hops={hops} width={100} />);
    expect(lastFrame()).toBe('[client]─link1 10.0.1.1 ═⇣ down═ 10.0.1.2 link2─[firewall]');
    unmount();
  });
});

describe('pingall at the prompt', () => {
  it('puts the matrix and its summary in the log', async () => {
    // the runner reads the host after a command: not here
    vi.spyOn(RefreshScheduler.prototype, 'readAfterChange').mockResolvedValue(undefined);
    vi.spyOn(RefreshScheduler.prototype, 'now').mockResolvedValue(undefined);
    const session = new Session({} as CommandContext);
    session.state = { ...session.state, topology: downTopology };
    const history = new CommandHistory({ path: null });
    const r = render(<App session={session} history={history} />);
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => 120 });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => 40 });
    r.rerender(<App session={session} history={history} />);
    r.stdout.emit('resize');
    // each step waits for the frame it causes: on a loaded machine a fixed pause is not enough
    const frameWith = async (test: (frame: string) => boolean, ms = 10_000) => {
      for (const until = Date.now() + ms; Date.now() < until && !test(r.lastFrame() ?? '');) await sleep(20);
    };
    await frameWith((f) => f.includes('[client]'));
    const before = r.lastFrame();
    r.stdin.write(':');
    await frameWith((f) => f !== before);
    r.stdin.write('pingall');
    await frameWith((f) => f.includes('pingall'));
    r.stdin.write('\r');
    await frameWith((f) => f.includes('1/2 reachable'));
    const frame = r.lastFrame() ?? '';
    expect(frame).toContain('pingall');
    expect(frame).toMatch(/from \\ to +client +firewall/);
    expect(frame).toMatch(/client +· +✓ 0\.07ms/);
    expect(frame).toMatch(/firewall +✗ +·/);
    expect(frame).toContain('1/2 reachable');
    expect(session.state.log.map((e) => e.text)).toContain('  1/2 reachable');
    r.unmount();
  });
});
