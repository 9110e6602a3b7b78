/**
 * The UI's model: what the host looks like now, kept current by events
 * (Docker, netlink, /var/run/netns), hop health and watches, and the lines
 * typed at the prompt. React components subscribe to it; it knows nothing
 * about Ink. Each concern lives in its own part (store, refresh, hop-health,
 * watches, broken-links, prompt-runner); this class wires them together and
 * does the reading itself.
 */
import type { CommandContext } from '../../host/context.js';
import { readForwardRules } from '../../net/firewall-rules.js';
import { parsePromptLine, type PromptParse } from '../../parse/prompt-command.js';
import { chainFromTopology, isChainLink } from '../../render/chain-input.js';
import type { ChainHop, ChainNode } from '../../render/chain-model.js';
import { NETNS_DIR, type Namespace } from '../../targets/namespace.js';
import { LOCK_DIR, lockedIdentity } from '../../targets/lock-files.js';
import type { TargetSpec } from '../../parse/target.js';
import { discoverTopology } from '../../topology/discover.js';
import { resolveLinks } from '../../topology/links.js';
import type { Topology } from '../../topology/model.js';
import { readNamespace, readNodeState } from '../../topology/read.js';
import { DockerEvents, type EngineStatus } from '../../watch/docker-events.js';
import { IDLE_ARGV, NamespaceMonitors } from '../../watch/namespace-monitor.js';
import { NetlinkWatch } from '../../watch/netlink-watch.js';
import { DirWatcher } from '../../watch/dir-watcher.js';
import { BrokenLinks } from './broken-links.js';
import { CapturePane } from './capture-pane.js';
import { FirewallDrops } from './firewall-drops.js';
import { HopHealth } from './hop-health.js';
import { PromptRunner, type LineOutcome } from './prompt-runner.js';
import { RefreshScheduler, type ReadRequest } from './refresh.js';
import { nextSelection } from './selection.js';
import { SessionStore, type LogTone, type SessionState } from './store.js';
import { TrafficMeter } from './traffic.js';
import { Watches } from './watches.js';

const WATCHES_EVERY_MS = 2000;

export interface SessionOptions {
  /** How often the prompt's watches are checked (the demo checks often, so that its traffic shows on the hops). */
  watchEveryMs?: number;
}
/** A full read now and then, only for an event lost (netlink drops messages when a listener falls behind), so rare. */
const SAFETY_REFRESH_MS = 300_000;
/** ... at most one part in this many of the time: over hundreds of namespaces it would be most of an idle UI's work. */
const SAFETY_READ_SHARE = 300;
/** Time given to Ink to draw the first full frame before the watchers start. */
const FIRST_FRAME_MS = 100;
/** When the verbs are loaded ahead: after the first frames and the watchers' start. */
const PRELOAD_AFTER_MS = 2000;
/** The selected target's details are read once the selection has rested this long. */
const DETAILS_AFTER_MS = 80;

/** Loads the prompt's everyday verbs ahead of their first use (they load on demand: verbs/run.ts). */
async function preloadVerbs(): Promise<void> {
  await Promise.allSettled([
    import('../../verbs/koko.js'),
    import('../../verbs/koro.js'),
    import('../../verbs/forward.js'),
    import('../../verbs/fw.js'),
    import('../../verbs/health.js'),
    import('../../verbs/kill.js'),
    import('../../verbs/routes.js'),
  ]);
}

export class Session {
  private readonly store = new SessionStore();
  private readonly refresh = new RefreshScheduler({ read: (r) => this.read(r), prune: () => this.pruneWatchers() });
  private readonly monitors = new NetlinkWatch((ns) => this.refresh.request(ns));
  /** A silent process inside each namespace whose shown hop has no other (an unaddressed hop: no pinger), for its counters. */
  private readonly holders = new NamespaceMonitors((ns) => this.refresh.request(ns), IDLE_ARGV);
  private readonly netnsDir = new DirWatcher(NETNS_DIR, () => this.refresh.request());
  private readonly events = new DockerEvents(
    () => this.refresh.request(),
    (s) => this.engineChanged(s),
  );
  private readonly hops = new HopHealth(this.store);
  private readonly broken = new BrokenLinks(this.store);
  private readonly watches = new Watches(this.store, (label) => this.namespaceOf(label));
  private readonly traffic = new TrafficMeter(this.store, (path) => this.monitors.processIn(path) ?? this.hops.processIn(path), this.holders);
  private readonly firewalls = new FirewallDrops(this.store);
  /** Other chainmail processes' target locks come and go here: a firewall they change is looked at again. */
  private readonly lockDir = new DirWatcher(LOCK_DIR, (file) => {
    // no name: the folder has just appeared (a first lock), whose it was is not said
    const identity = file === undefined ? undefined : lockedIdentity(file);
    if (file === undefined || identity !== undefined) this.firewalls.lookAgain(identity);
  });
  private readonly runner: PromptRunner;
  private readonly captures: CapturePane;
  private timers: NodeJS.Timeout[] = [];
  /** After stop(), late results (a read in flight) must not start monitors again. */
  private stopped = false;
  private detailsTimer?: NodeJS.Timeout;
  private targetsFilter = '';
  /** When the last full read of the host ended, and how long it took. */
  private lastFullRead = { endedAt: 0, tookMs: 0 };

  constructor(
    ctx: CommandContext,
    /** The chain the UI was opened on: `heal` at the prompt means `chain heal` of it. */
    readonly chainFile?: string,
    private readonly options: SessionOptions = {},
  ) {
    this.captures = new CapturePane(this.store, ctx);
    this.runner = new PromptRunner(ctx, { store: this.store, refresh: this.refresh, broken: this.broken, watches: this.watches, captures: this.captures });
  }

  /** A target as the prompt's commands resolve it (the prompt's shell TARGET). */
  resolve(spec: TargetSpec): Promise<Namespace> {
    return this.runner.ctx.resolve(spec);
  }

  get state(): SessionState {
    return this.store.state;
  }

  set state(state: SessionState) {
    this.store.state = state;
  }

  subscribe(listener: () => void): () => void {
    return this.store.subscribe(listener);
  }

  start(): void {
    this.netnsDir.start();
    this.lockDir.start();
    this.timers.push(setInterval(() => void this.watches.checkAll(), this.options.watchEveryMs ?? WATCHES_EVERY_MS));
    this.traffic.start();
    this.firewalls.start();
    this.timers.push(setInterval(() => this.safetyRead(), SAFETY_REFRESH_MS));
    // the engine's events after the first read, which lists containers itself: loading dockerode would hold it back
    void this.refresh
      .now()
      .catch(() => undefined)
      .then(() => {
        if (!this.stopped) this.events.start();
      });
    // the verbs load on first use; here the first prompt line should not wait for that
    this.timers.push(setTimeout(() => void preloadVerbs(), PRELOAD_AFTER_MS));
  }

  stop(): void {
    this.stopped = true;
    this.captures.close();
    for (const t of this.timers) clearInterval(t);
    this.refresh.stop();
    this.monitors.stop();
    this.holders.stop();
    this.hops.stop();
    this.traffic.stop();
    this.firewalls.stop();
    clearTimeout(this.detailsTimer);
    this.netnsDir.stop();
    this.lockDir.stop();
    this.events.stop();
  }

  /** Reads the host now; resolves once a read begun after this call is in the state. */
  refreshNow(): Promise<void> {
    return this.refresh.now();
  }

  /** Parses a line and runs it, in order with every other line (see PromptRunner). */
  runLine(line: string): Promise<LineOutcome> {
    return this.runParsed(this.parse(line));
  }

  /** The line as the prompt parses it, with `heal` meaning this UI's chain. */
  parse(line: string): PromptParse {
    return parsePromptLine(line, this.chainFile !== undefined ? { chainFile: this.chainFile } : {});
  }

  /** Runs a line already parsed (the prompt parses once, and acts on some lines itself). */
  runParsed(parsed: PromptParse): Promise<LineOutcome> {
    return this.runner.run(parsed);
  }

  /**
   * `c`: a capture on the selected target's first link (the end of a chain
   * hop, a veth, a vlan...), in the capture pane.
   */
  captureSelected(): void {
    const label = this.state.selected;
    const target = this.state.topology?.targets.find((t) => t.ns.label === label);
    if (!label || !target) return this.log('bad', 'select a target first (↑ ↓), then c captures on its first link');
    const end = this.state.topology!.links.flatMap((l) => [l.a, ...(l.b ? [l.b] : [])]).find((e) => e.target === label);
    const ifname = end?.ifname ?? target.interfaces.find((i) => i.name !== 'lo')?.name;
    if (!ifname) return this.log('bad', `${label} has no link to capture on`);
    const command = { verb: 'capture' as const, target: { kind: 'auto' as const, name: label }, ifname, filter: [] };
    this.captures
      .open(command, target.ns)
      .catch((err: unknown) => this.log('bad', `capture on ${ifname} in ${label}: ${err instanceof Error ? err.message : String(err)}`));
  }

  /** Esc: stops the capture and closes its pane; false when none was open. */
  closeCapture(): boolean {
    if (!this.captures.isOpen) return false;
    this.captures.close();
    return true;
  }

  /** Forgets links remembered as broken: what is drawn is what exists now. */
  forgetBroken(): void {
    this.broken.forget();
    this.refresh.request();
  }

  /** The targets panel's filter: a selection that has to move goes to a target it shows. */
  setTargetsFilter(text: string): void {
    this.targetsFilter = text;
  }

  /** The targets the chain panel shows: only their hops' traffic and firewalls are read, and only their hops pinged all the time (undefined: every hop). */
  setTrafficShown(labels: ReadonlySet<string> | undefined): void {
    this.traffic.setShown(labels);
    this.hops.setShown(labels);
    this.firewalls.setShown(labels);
  }

  select(label: string | undefined): void {
    if (label === this.state.selected) return;
    this.update({ selected: label, details: undefined });
    // read once the selection rests: starting the two processes held each key's frame back, and a key held down would start them for every row
    clearTimeout(this.detailsTimer);
    this.detailsTimer = setTimeout(() => {
      this.detailsTimer = undefined;
      if (!this.stopped) void this.readDetails();
    }, DETAILS_AFTER_MS);
  }

  /** The namespace of a target shown in the UI. */
  namespaceOf(label: string): Namespace | undefined {
    return this.state.topology?.targets.find((t) => t.ns.label === label && t.ns.path !== '')?.ns;
  }

  log(tone: LogTone, text: string): void {
    this.store.log(tone, text);
  }

  clearLog(): void {
    this.update({ log: [] });
  }

  /** The chain drawing's input. */
  chain(): { nodes: ChainNode[]; hops: ChainHop[] } {
    if (!this.state.topology) return { nodes: [], hops: [] };
    const dropped = new Map([...this.state.drops].map(([label, d]) => [label, d.dropped]));
    const drawn = chainFromTopology(this.state.topology, this.state.broken, this.state.checks, { pps: this.state.traffic, dropped });
    if (!this.state.healing) return drawn;
    return { ...drawn, hops: drawn.hops.map((h) => (h.health === 'broken' || h.health === 'down' ? { ...h, healing: true } : h)) };
  }

  /** The periodic full read, unless the last one was recent for how long it took. */
  private safetyRead(): void {
    const { endedAt, tookMs } = this.lastFullRead;
    if (performance.now() - endedAt < tookMs * SAFETY_READ_SHARE) return;
    this.refresh.request();
  }

  private update(patch: Partial<SessionState>): void {
    this.store.update(patch);
  }

  private pruneWatchers(): void {
    if (this.stopped) return;
    this.monitors.prune();
    this.holders.prune();
    this.hops.prune();
  }

  private engineChanged(engine: EngineStatus): void {
    const before = this.state.engine.state;
    // an absent engine is asked again every few seconds: the same answer redraws nothing
    if (engine.state === before) return;
    this.update({ engine });
    if (engine.state === 'unreachable' && before !== 'unreachable') this.log('bad', `docker engine unreachable: ${engine.reason}`);
    if (engine.state === 'connected' && before === 'unreachable') this.log('ok', 'docker engine is back');
  }

  private async read({ full, changed, applied }: ReadRequest): Promise<void> {
    const before = this.state.topology;
    const startedAt = performance.now();
    const topology = full || !before ? await discoverTopology(this.runner.ctx.docker) : await this.readAgain(changed, before);
    if (full || !before) this.lastFullRead = { endedAt: performance.now(), tookMs: performance.now() - startedAt };
    const broken = this.broken.afterRead(topology);
    if (this.stopped) return;
    const selected = nextSelection(this.state.topology, topology, this.state.selected, this.targetsFilter);
    this.update({ topology, broken, selected, refreshedAt: new Date() });
    applied();
    // starting a process blocks for a moment: with many namespaces the first frame
    // would wait for every monitor and pinger, so they start just after it
    const first = !this.monitors.started;
    await new Promise((resolve) => setTimeout(resolve, first ? FIRST_FRAME_MS : 0));
    if (this.stopped) return;
    const current = this.state.topology ?? topology;
    // not waited for: the monitors' start (an id for each new named namespace) must not hold the read's end
    void this.monitors.sync(current.targets.map((t) => t.ns)).then((started) => {
      // what changed in a new namespace between this read and its monitor's start reached no one: read it again
      if (!first && !this.stopped) for (const ns of started) this.refresh.request(ns);
    });
    this.hops.sync(current.links.filter(isChainLink), (label) => this.namespaceOf(label));
    // a command's change (fw ... add) is looked at now; the rest as the firewalls' own timer comes round
    void this.firewalls.afterRead(current, full ? [] : changed);
    await this.readDetails();
  }

  /** The cached topology with the namespaces that changed read again, and the links between them worked out anew. */
  private async readAgain(changed: readonly Namespace[], before: Topology): Promise<Topology> {
    const targets = before.targets.map((t) => ({ ...t }));
    await Promise.all(
      changed.map(async (ns) => {
        const t = targets.find((x) => x.ns.path === ns.path);
        if (!t) return;
        try {
          const reading = await readNamespace(t.ns);
          t.interfaces = reading.interfaces;
          t.netnsIds = reading.netnsIds;
          delete t.error;
        } catch {
          // gone meanwhile: the whole host is read again, which will not list it
          this.refresh.request();
        }
      }),
    );
    return { ...before, targets, links: resolveLinks(targets) };
  }

  /** Routes, forwarding and the firewall's rule count of the selected target. */
  private async readDetails(): Promise<void> {
    const label = this.state.selected;
    const ns = label ? this.namespaceOf(label) : undefined;
    if (!label || !ns) {
      if (label) this.update({ details: { label, routes: [], error: 'not running' } });
      return;
    }
    try {
      // routes and forwarding in one process (as chain up reads a node), the rules in another
      const [{ routes, forwarding }, rules] = await Promise.all([readNodeState(ns), readForwardRules(ns).catch(() => undefined)]);
      if (this.state.selected !== label) return;
      this.update({ details: { label, routes, forwarding, ...(rules ? { firewallRules: rules.rules.length } : {}) } });
    } catch (err) {
      if (this.state.selected === label) {
        this.update({ details: { label, routes: [], error: err instanceof Error ? err.message : String(err) } });
      }
    }
  }
}
