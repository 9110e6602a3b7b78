/**
 * The capture pane: its rows (pure), the App's `c` and Esc, and the
 * session's capture part, with tcpdump's start replaced by a fake: nothing
 * here starts a process.
 */
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CommandContext } from '../../src/host/context.js';
import type { Topology } from '../../src/topology/model.js';
import { App } from '../../src/ui/components/App.js';
import { CapturePane, captureRows, captureTitle } from '../../src/ui/components/CapturePane.js';
import { CommandHistory } from '../../src/ui/history.js';
import { CapturePane as CaptureSessionPart } from '../../src/ui/session/capture-pane.js';
import { Session } from '../../src/ui/session/session.js';
import { SessionStore, type CaptureView } from '../../src/ui/session/store.js';
import type { CaptureSink } from '../../src/verbs/capture.js';

const started: Array<{ sink: CaptureSink; stop: ReturnType<typeof vi.fn>; end: (ok: boolean, error?: string) => void; ifname: string; nsGiven: boolean }> = [];

vi.mock('../../src/verbs/capture.js', () => ({
  startCapture: (cmd: { ifname: string }, _ctx: unknown, sink: CaptureSink, ns?: { label: string }) => {
    let end!: (value: { ok: boolean; error?: string }) => void;
    const ended = new Promise<{ ok: boolean; error?: string }>((resolve) => (end = resolve));
    const stop = vi.fn(() => end({ ok: true }));
    started.push({ sink, stop, end: (ok, error) => end({ ok, ...(error ? { error } : {}) }), ifname: cmd.ifname, nsGiven: ns !== undefined });
    return Promise.resolve({ ns: ns ?? { label: 'red' }, title: `${cmd.ifname} in red`, stop, ended });
  },
}));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterEach(() => {
  started.length = 0;
});

const view = (patch: Partial<CaptureView> = {}): CaptureView => ({ title: 'eth1 in red (icmp)', lines: [], state: 'running', ...patch });

describe('captureRows', () => {
  it('shows the newest lines that fit, cut to the width', () => {
    const lines = Array.from({ length: 30 }, (_, i) => `12:00:${String(i).padStart(2, '0')} IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 1, seq ${i}, length 64`);
    const rows = captureRows(view({ lines }), 40, 10);
    expect(rows).toHaveLength(7);
    expect(rows.at(-1)).toMatch(/^12:00:29 /);
    for (const r of rows) expect([...r].length).toBeLessThanOrEqual(36);
  });

  it('says it waits for packets, and why it failed', () => {
    expect(captureRows(view(), 60, 10)).toEqual(['waiting for packets…']);
    expect(captureRows(view({ state: 'failed', message: 'syntax error' }), 60, 10)).toEqual(['✗ syntax error']);
    expect(captureTitle(view({ state: 'ended' }))).toBe('capture eth1 in red (icmp) · ended · Esc closes');
  });

  it('renders in a panel of its size', () => {
    const r = render(<CapturePane view={view({ lines: ['a line'] })} width={50} height={6} />);
    const lines = (r.lastFrame() ?? '').split('\n');
    r.unmount();
    expect(lines).toHaveLength(6);
    expect(lines[1]).toContain('capture eth1 in red (icmp) · running');
    expect(lines[2]).toContain('a line');
  });
});

describe('the session part', () => {
  it('streams lines into the view, and close stops tcpdump and the pane', async () => {
    const store = new SessionStore();
    const part = new CaptureSessionPart(store, {} as CommandContext);
    const outcome = await part.open({ verb: 'capture', target: { kind: 'auto', name: 'red' }, ifname: 'eth1', filter: [] });
    expect(outcome.ok).toBe(true);
    expect(store.state.capture).toMatchObject({ title: 'eth1 in red', state: 'running', lines: [] });
    started[0]!.sink.packet('one');
    started[0]!.sink.packet('two');
    await sleep(150);
    expect(store.state.capture?.lines).toEqual(['one', 'two']);
    part.close();
    expect(started[0]!.stop).toHaveBeenCalled();
    expect(store.state.capture).toBeUndefined();
    // a late line of the stopped capture reaches no pane
    started[0]!.sink.packet('late');
    await sleep(150);
    expect(store.state.capture).toBeUndefined();
  });

  it("shows tcpdump's failure and keeps the pane until Esc", async () => {
    const store = new SessionStore();
    const part = new CaptureSessionPart(store, {} as CommandContext);
    await part.open({ verb: 'capture', target: { kind: 'auto', name: 'red' }, ifname: 'eth1', filter: ['bad'] });
    started[0]!.end(false, 'syntax error');
    await sleep(10);
    expect(store.state.capture).toMatchObject({ state: 'failed', message: 'syntax error' });
  });
});

describe('the App', () => {
  const topology: Topology = {
    targets: ['red', 'blue'].map((label) => ({
      ns: { kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label },
      status: 'present',
      interfaces: [{ ifindex: 2, name: label === 'red' ? 'rb' : 'br', kind: 'veth', state: 'UP', adminUp: true, mtu: 1500, addresses: [] }],
    })),
    links: [{ kind: 'veth', a: { target: 'blue', ifname: 'br', addresses: [] }, b: { target: 'red', ifname: 'rb', addresses: [] } }],
    warnings: [],
  };

  it("c captures on the selected target's first link into the pane; Esc stops it and closes the pane; quit stops it too", async () => {
    const session = new Session({} as CommandContext);
    session.state = { ...session.state, topology, selected: 'red' };
    const r = render(<App session={session} history={new CommandHistory({ path: null })} />);
    Object.defineProperty(r.stdout, 'columns', { configurable: true, get: () => 100 });
    Object.defineProperty(r.stdout, 'rows', { configurable: true, get: () => 24 });
    r.stdout.emit('resize');
    await sleep(60);
    r.stdin.write('c');
    await sleep(100);
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ ifname: 'rb', nsGiven: true });
    started[0]!.sink.packet('IP 10.0.0.1 > 10.0.0.2: ICMP echo request');
    await sleep(200);
    expect(r.lastFrame()).toContain('capture rb in red · running · Esc closes');
    expect(r.lastFrame()).toContain('ICMP echo request');
    r.stdin.write('\u001B');
    await sleep(150);
    expect(started[0]!.stop).toHaveBeenCalled();
    expect(r.lastFrame()).not.toContain('running · Esc closes');
    expect(r.lastFrame()).toContain('log');

    r.stdin.write('c');
    await sleep(100);
    expect(started).toHaveLength(2);
    r.stdin.write('q');
    await sleep(100);
    expect(started[1]!.stop).toHaveBeenCalled();
    r.unmount();
  });
});
