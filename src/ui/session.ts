import { ChainmailError, EXIT_USAGE, UsageError } from '../errors.js';
import type { CommandContext } from '../commands/context.js';
import { runCommand } from '../commands/run.js';
import { readForwardRules } from '../commands/fw.js';
import { parseCommand, USAGE } from '../parse/verbs.js';
import { parseTargetWords } from '../parse/target.js';
import { readNamespace, readNodeState, type Route } from '../net/read.js';
import { pingFrom } from '../health/ping.js';
import { probeFrom } from '../health/http-probe.js';
import { pingPlanFor } from '../health/link-health.js';
import { chainFromTopology, isChainLink, linkKey, updateBrokenLinks, type HopCheck } from '../render/chain-input.js';
import { discoverTopology } from '../topology/discover.js';
import { resolveLinks } from '../topology/links.js';
import { HopPingers } from '../health/hop-pingers.js';
import type { Topology, TopologyLink } from '../topology/model.js';
import type { Namespace } from '../targets/namespace.js';
import { DockerEvents, type EngineStatus } from '../watch/docker-events.js';
import { NamespaceMonitors } from '../watch/namespace-monitor.js';
import { NetnsDirWatcher } from '../watch/netns-dir-watcher.js';
import { toCommandWords } from './prompt-line.js';

export type LogTone = 'ok' | 'bad' | 'info';

export interface LogEntry {
  at: Date;
  tone: LogTone;
  text: string;
}

/** What a prompt line did: success, and the lines the CLI would have printed. */
export interface LineOutcome {
  ok: boolean;
  lines: string[];
}

export interface Watch {
  id: number;
  kind: 'ping' | 'http';
  target: string;
  destination: string;
  ok?: boolean;
  detail?: string;
  changedAt?: Date;
  /** Results of the last checks, newest last (for the loss figure). */
  recent: boolean[];
}

const WATCH_WINDOW = 20;

export interface TargetDetails {
  label: string;
  routes: Route[];
  forwarding?: { ipv4: boolean; ipv6: boolean };
  firewallRules?: number;
  error?: string;
}

export interface SessionState {
  topology?: Topology;
  engine: EngineStatus;
  selected?: string;
  details?: TargetDetails;
  checks: Map<string, HopCheck>;
  broken: Map<string, TopologyLink>;
  watches: Watch[];
  log: LogEntry[];
  busy: boolean;
  /** A `chain heal` is running: broken hops are drawn as being repaired. */
  healing: boolean;
  refreshedAt?: Date;
}

const REFRESH_DEBOUNCE_MS = 60;
const HEALTH_EVERY_MS = 2000;
/** A full read now and then, for what no event reports; events do the rest. */
const SAFETY_REFRESH_MS = 60_000;
const CHECKS_REDRAW_MS = 500;
/** Time given to Ink to draw the first full frame before the watchers start. */
const FIRST_FRAME_MS = 100;
const LOG_LIMIT = 500;
/** A prompt command says "running…" once it has taken this long. */
const BUSY_AFTER_MS = 150;
/** How long a prompt command runs undisturbed by reads the kernel's events ask for. */
const COMMAND_START_MS = 300;
/** The longest a command's result waits for the read after it, to be drawn in the same frame. */
const HOLD_RESULT_MAX_MS = 200;
/** When the verbs are loaded ahead: after the first frames and the watchers' start. */
const PRELOAD_AFTER_MS = 2000;
/**
 * Netlink events check the watchers' namespaces at most this often (a veth
 * pair is a burst of several events, the rest of a burst is checked when the
 * gap is over): each check stats every watched namespace file twice
 * (monitors, pingers), and a burst during a prompt command held it up by a
 * few ms. Every read checks again before it starts.
 */
const PRUNE_GAP_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Loads the prompt's everyday verbs ahead of their first use (see commands/run.ts). */
async function preloadVerbs(): Promise<void> {
  await Promise.allSettled([
    import('../commands/koko.js'), import('../commands/koro.js'), import('../commands/forward.js'),
    import('../commands/fw.js'), import('../commands/health.js'), import('../commands/kill.js'), import('../commands/routes.js'),
  ]);
}

/**
 * The UI's model: what the host looks like now, kept current by events
 * (Docker, netlink, /var/run/netns), health checks, and the commands typed
 * at the prompt, which run in this process through the same commands as the
 * CLI. React components subscribe to it; it knows nothing about Ink.
 */
export class Session {
  state: SessionState = { engine: { state: 'connecting' }, checks: new Map(), broken: new Map(), watches: [], log: [], busy: false, healing: false };
  private readonly listeners = new Set<() => void>();
  private readonly monitors = new NamespaceMonitors((ns) => this.requestRefresh(ns));
  private readonly pingers = new HopPingers((key, sample) => this.pingSample(key, sample));
  /** Namespaces whose monitor spoke since the last read: only they are read again. */
  private readonly dirty = new Map<string, Namespace>();
  /** Something only a full read sees (a namespace or container came or went, or nothing read yet). */
  private fullReadWanted = true;
  private checksTimer?: NodeJS.Timeout;
  /** Hop results not drawn yet (see pingSample). */
  private pendingChecks?: Map<string, HopCheck>;
  private readonly netnsDir = new NetnsDirWatcher(() => this.requestRefresh());
  private readonly events = new DockerEvents(() => this.requestRefresh(), (s) => this.engineChanged(s));
  private refreshTimer?: NodeJS.Timeout;
  private lastPrune = -Infinity;
  private pruneTimer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  /** The one read queued behind the read under way: every caller meanwhile waits for it. */
  private refreshAgain?: Promise<void>;
  private timers: NodeJS.Timeout[] = [];
  private healthRunning = false;
  private seen = new Map<string, TopologyLink>();
  /** "target:ifname" of ends deleted by this session's own koko: removed on purpose, not broken. */
  private readonly removedOnPurpose = new Set<string>();
  private nextWatchId = 1;
  private queue: Promise<void> = Promise.resolve();
  /** After stop(), late results (a refresh in flight) must not start monitors again. */
  private stopped = false;
  private targetsFilter = '';

  /** The commands' context: the caller's, noting every namespace a prompt command resolves. */
  private readonly ctx: CommandContext;
  /** Namespaces the running prompt command resolved: they are read again after it, and only they. */
  private touched = new Map<string, Namespace>();
  /**
   * The first moments of a prompt command: reads the kernel's events ask for
   * wait for the read after the command, so that no read and redraw (tens of
   * milliseconds of this one thread each) slows the command down.
   */
  private commandStarting = false;
  /** Reads of the host begun so far, numbered; and who waits for a read's topology (a command's result). */
  private readsBegun = 0;
  private topologyApplied?: (read: number) => void;
  /** While above zero, state changes are kept and drawn once when it drops back. */
  private redrawsHeld = 0;
  private redrawPending = false;

  constructor(
    ctx: CommandContext,
    /** The chain the UI was opened on: `heal` at the prompt means `chain heal` of it. */
    private readonly chainFile?: string,
  ) {
    this.ctx = {
      ...ctx,
      resolve: async (spec) => {
        const ns = await ctx.resolve(spec);
        this.touched.set(ns.path, ns);
        return ns;
      },
    };
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.netnsDir.start();
    this.events.start();
    this.timers.push(setInterval(() => void this.checkWatches(), HEALTH_EVERY_MS));
    this.timers.push(setInterval(() => this.requestRefresh(), SAFETY_REFRESH_MS));
    void this.refreshNow();
    // the verbs load on first use; here the first prompt line should not wait for that
    this.timers.push(setTimeout(() => void preloadVerbs(), PRELOAD_AFTER_MS));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.checksTimer);
    clearTimeout(this.pruneTimer);
    this.monitors.stop();
    this.pingers.stop();
    this.netnsDir.stop();
    this.events.stop();
  }

  /**
   * Many events arrive together (a veth pair is several netlink messages):
   * one read for all. A change inside a namespace reads that namespace
   * again; anything else (or nothing said) reads the whole host.
   */
  requestRefresh(changedIn?: Namespace): void {
    if (this.stopped) return;
    // before the (debounced, possibly slow) read: a monitor or pinger must not keep a deleted namespace alive
    const sincePrune = performance.now() - this.lastPrune;
    if (!changedIn || sincePrune >= PRUNE_GAP_MS) this.pruneWatchers();
    // skipped: checked once the gap is over, not only when a read starts (one may be under way)
    else this.pruneTimer ??= setTimeout(() => this.pruneWatchers(), PRUNE_GAP_MS - sincePrune);
    if (changedIn) this.dirty.set(changedIn.path, changedIn);
    else this.fullReadWanted = true;
    if (this.commandStarting) return;
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => void this.refreshNow(), REFRESH_DEBOUNCE_MS);
  }

  /** Stops the monitors and pingers whose namespace is gone (see NamespaceMonitors.prune). */
  private pruneWatchers(): void {
    clearTimeout(this.pruneTimer);
    this.pruneTimer = undefined;
    if (this.stopped) return;
    this.lastPrune = performance.now();
    this.monitors.prune();
    this.pingers.prune();
  }

  /** Reads now; resolves once a read that began after this call is in the state. */
  async refreshNow(): Promise<void> {
    if (this.refreshing) {
      // the read under way may have begun before what the caller wants seen: one more after it
      this.refreshAgain ??= this.refreshing.catch(() => undefined).then(() => {
        this.refreshAgain = undefined;
        return this.refreshNow();
      });
      return this.refreshAgain;
    }
    this.refreshing = this.readEverything().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  /** Forgets links remembered as broken: what is drawn is what exists now. */
  forgetBroken(): void {
    this.seen = new Map();
    this.update({ broken: new Map() });
    this.requestRefresh();
  }

  /** The targets panel's filter: a selection that has to move goes to a target it shows. */
  setTargetsFilter(text: string): void {
    this.targetsFilter = text;
  }

  select(label: string | undefined): void {
    if (label === this.state.selected) return;
    this.update({ selected: label, details: undefined });
    void this.readDetails();
  }

  /** The namespace of a target shown in the UI. */
  namespaceOf(label: string): Namespace | undefined {
    return this.state.topology?.targets.find((t) => t.ns.label === label && t.ns.path !== '')?.ns;
  }

  log(tone: LogTone, text: string): void {
    const log = [...this.state.log, { at: new Date(), tone, text }].slice(-LOG_LIMIT);
    this.update({ log });
  }

  clearLog(): void {
    this.update({ log: [] });
  }

  /**
   * Runs one prompt line in this process: every CLI verb, `docker kill`,
   * `watch`/`unwatch`. Errors are logged exactly as the CLI prints them.
   * Lines run one after another, in the order given (a paste of several
   * lines builds on itself).
   */
  runLine(line: string): Promise<LineOutcome> {
    const outcome = this.queue.then(() => this.runOneLine(line));
    this.queue = outcome.then(() => undefined);
    return outcome;
  }

  private async runOneLine(line: string): Promise<LineOutcome> {
    let words: string[] | undefined;
    try {
      words = toCommandWords(line);
    } catch (err) {
      return this.logError(line, err);
    }
    if (!words) return { ok: true, lines: [] };
    const refused = promptRefusal(words);
    if (refused) return this.logError(line, new ChainmailError(refused, 2));
    if (words[0] === 'heal') {
      if (!this.chainFile) {
        return this.logError(line, new ChainmailError('heal repairs the chain the UI was opened on (demo, tutorial); here, say which: chain heal FILE'));
      }
      words = ['chain', 'heal', this.chainFile, ...words.slice(1)];
    }
    const shown = words.join(' ');
    const started = performance.now();
    // "running…" only for a command that takes a while: a redraw at once would slow a quick one
    const healing = words[0] === 'chain' && words[1] === 'heal';
    const showBusy = setTimeout(() => this.update({ busy: true, healing }), BUSY_AFTER_MS);
    this.commandStarting = true;
    const startingOver = setTimeout(() => this.commandStartingOver(), COMMAND_START_MS);
    this.touched = new Map();
    // a line refused before it reached a target changed nothing: no read of the host after it
    let changedNothing = false;
    let holding = false;
    try {
      if (words[0] === 'watch') return { ok: true, lines: [this.addWatch(words.slice(1))] };
      if (words[0] === 'unwatch') return { ok: true, lines: [this.removeWatch(words.slice(1))] };
      const cmd = parseCommand(words);
      if (cmd.verb === 'help') {
        const usage = cmd.topic !== undefined && Object.hasOwn(USAGE, cmd.topic) ? `usage: ${USAGE[cmd.topic]}` : undefined;
        if (usage) this.log('info', usage);
        this.log('info', 'press ? for every key and verb');
        return { ok: true, lines: usage ? [usage] : [] };
      }
      const result = await runCommand(cmd, this.ctx);
      // from here the result, and the change it made, are drawn together in one frame
      this.redrawsHeld++;
      holding = true;
      if (cmd.verb === 'koko' && cmd.action === 'delete' && result.ok) this.deletedOnPurpose(result.json);
      const ms = Math.round(performance.now() - started);
      const lines = result.lines.filter(Boolean);
      this.log(result.ok ? 'ok' : 'bad', `${shown}  (${ms} ms)`);
      // ls's table is what the panels show; the log gets its count
      for (const l of cmd.verb === 'ls' ? [lsSummary(result.json)] : lines) this.log('info', `  ${l.replace(/^[✓✗] /, '')}`);
      return { ok: result.ok, lines };
    } catch (err) {
      changedNothing = err instanceof UsageError || (err instanceof ChainmailError && err.exitCode === EXIT_USAGE);
      return this.logError(shown, err);
    } finally {
      clearTimeout(showBusy);
      clearTimeout(startingOver);
      this.commandStarting = false;
      if (!holding) this.redrawsHeld++;
      try {
        this.update({ busy: false, healing: false });
        if (!changedNothing) {
          // the change is made: show it now rather than when the kernel's events arrive, reading
          // again only the namespaces the command worked on when the UI knows them all
          const known = new Set(this.state.topology?.targets.map((t) => t.ns.path) ?? []);
          const touched = [...this.touched.values()];
          if (touched.length > 0 && touched.every((ns) => known.has(ns.path))) for (const ns of touched) this.dirty.set(ns.path, ns);
          else this.fullReadWanted = true;
          // drawn once the topology is read (the selected target's routes follow in a later
          // frame); a slow read (the whole host) does not hold the result back for long
          // a read already under way may not have seen the change: the first read begun from here on
          const after = this.readsBegun;
          const applied = new Promise<void>((resolve) => {
            this.topologyApplied = (read) => { if (read > after) resolve(); };
          });
          await Promise.race([applied, this.refreshNow(), sleep(HOLD_RESULT_MAX_MS)]);
          this.topologyApplied = undefined;
        } else if (this.dirty.size || this.fullReadWanted) this.requestRefresh();
      } finally {
        this.releaseRedraws();
      }
    }
  }

  /** A command still running after its first moments: the events it held back are read now. */
  private commandStartingOver(): void {
    this.commandStarting = false;
    if (this.dirty.size || this.fullReadWanted) this.requestRefresh();
  }

  private releaseRedraws(): void {
    this.redrawsHeld--;
    if (this.redrawsHeld === 0 && this.redrawPending) {
      this.redrawPending = false;
      for (const l of this.listeners) l();
    }
  }

  /** A link this session's koko deleted is not a broken hop, even if a refresh saw it go first. */
  private deletedOnPurpose(json: unknown): void {
    const { target, ifname } = json as { target?: string; ifname?: string };
    if (!target || !ifname) return;
    const end = `${target}:${ifname}`;
    this.removedOnPurpose.add(end);
    // a few hundred deletes in a session are plenty to remember
    if (this.removedOnPurpose.size > 256) this.removedOnPurpose.delete(this.removedOnPurpose.values().next().value!);
    const broken = new Map([...this.state.broken].filter(([, l]) => `${l.a.target}:${l.a.ifname}` !== end && `${l.b?.target}:${l.b?.ifname}` !== end));
    if (broken.size !== this.state.broken.size) this.update({ broken });
  }

  private logError(line: string, err: unknown): LineOutcome {
    this.log('bad', line);
    if (err instanceof ChainmailError) {
      this.log('bad', `  ${err.message}`);
      for (const c of err.context) this.log('info', c);
      return { ok: false, lines: [err.message, ...err.context] };
    }
    const message = `internal error: ${err instanceof Error ? err.message : String(err)}`;
    this.log('bad', `  ${message}`);
    return { ok: false, lines: [message] };
  }

  private addWatch(words: string[]): string {
    const usage = 'watch ping TARGET ADDRESS | watch http TARGET URL';
    const kind = words[0];
    if (kind !== 'ping' && kind !== 'http') throw new ChainmailError(`expected "ping" or "http" after watch, got "${kind ?? ''}"`, 2, [`  usage: ${usage}`]);
    const { spec, next } = parseTargetWords(words, 1, usage);
    const destination = words[next];
    if (!destination) throw new ChainmailError(`watch ${kind} needs ${kind === 'ping' ? 'an address' : 'a URL'}`, 2, [`  usage: ${usage}`]);
    // reuse the verbs' own checks of the address or URL
    const probe = kind === 'ping' ? parseCommand(['ping', ...words.slice(1, next), destination]) : parseCommand(['probe', ...words.slice(1, next), destination]);
    const target = 'name' in spec ? spec.name : spec.kind === 'pid' ? `pid ${spec.pid}` : spec.kind === 'path' ? spec.path : 'host';
    const dest = probe.verb === 'probe' ? probe.url : probe.verb === 'ping' ? probe.address : destination;
    const watch: Watch = { id: this.nextWatchId++, kind, target, destination: dest, recent: [] };
    this.update({ watches: [...this.state.watches, watch] });
    const said = `watch ${watch.id}: ${kind} ${target} → ${dest}`;
    this.log('ok', said);
    void this.checkWatches();
    return said;
  }

  private removeWatch(words: string[]): string {
    const which = words[0];
    if (which === 'all') {
      this.update({ watches: [] });
      this.log('ok', 'removed every watch');
      return 'removed every watch';
    }
    const id = Number(which);
    if (!this.state.watches.some((w) => w.id === id)) {
      throw new ChainmailError(`no watch "${which ?? ''}": unwatch N | unwatch all (watches: ${this.state.watches.map((w) => w.id).join(', ') || 'none'})`, 2);
    }
    this.update({ watches: this.state.watches.filter((w) => w.id !== id) });
    this.log('ok', `removed watch ${id}`);
    return `removed watch ${id}`;
  }

  private engineChanged(engine: EngineStatus): void {
    const before = this.state.engine.state;
    // an absent engine is asked again every 2 s: the same answer redraws nothing (a frame costs
    // tens of milliseconds of this thread, and an idle UI would pay it every time)
    if (engine.state === before) return;
    this.update({ engine });
    if (engine.state === 'unreachable' && before !== 'unreachable') this.log('bad', `docker engine unreachable: ${engine.reason}`);
    if (engine.state === 'connected' && before === 'unreachable') this.log('ok', 'docker engine is back');
  }

  private async readEverything(): Promise<void> {
    const read = ++this.readsBegun;
    // whatever the last check: a read must not see links a watcher keeps alive
    this.pruneWatchers();
    const full = this.fullReadWanted || this.dirty.size === 0 || !this.state.topology;
    const changed = [...this.dirty.values()];
    this.dirty.clear();
    this.fullReadWanted = false;
    const topology = full ? await discoverTopology(this.ctx.docker) : await this.readAgain(changed, this.state.topology!);
    const chainLinks = topology.links.filter(isChainLink);
    const broken = updateBrokenLinks(this.state.broken, this.seen, topology, this.removedOnPurpose);
    for (const key of broken.keys()) {
      if (!this.state.broken.has(key)) {
        const l = broken.get(key)!;
        this.log('bad', `hop ${l.a.target} ↔ ${l.b?.target} broken`);
      }
    }
    this.seen = new Map(chainLinks.map((l) => [linkKey(l), l]));
    if (this.stopped) return;
    const selected = nextSelection(this.state.topology, topology, this.state.selected, this.targetsFilter);
    this.update({ topology, broken, selected, refreshedAt: new Date() });
    this.topologyApplied?.(read);
    // starting a process blocks for a few milliseconds: with fifty namespaces the first
    // frame would wait for a hundred monitors and pingers, so they start just after it
    const first = this.monitors.count === 0;
    await new Promise((resolve) => setTimeout(resolve, first ? FIRST_FRAME_MS : 0));
    if (this.stopped) return;
    const started = this.monitors.sync((this.state.topology ?? topology).targets.map((t) => t.ns));
    // what changed in a new namespace between this read and its monitor's start reached no one: read it again
    if (!first) for (const ns of started) this.requestRefresh(ns);
    this.syncPingers((this.state.topology ?? topology).links.filter(isChainLink));
    await this.readDetails();
  }

  /** The cached topology with the namespaces that changed read again, and the links between them worked out anew. */
  private async readAgain(changed: readonly Namespace[], before: Topology): Promise<Topology> {
    const targets = before.targets.map((t) => ({ ...t }));
    await Promise.all(changed.map(async (ns) => {
      const t = targets.find((x) => x.ns.path === ns.path);
      if (!t) return;
      try {
        const reading = await readNamespace(t.ns);
        t.interfaces = reading.interfaces;
        t.netnsIds = reading.netnsIds;
        delete t.error;
      } catch {
        // gone meanwhile: the whole host is read again, which will not list it
        this.requestRefresh();
      }
    }));
    return { ...before, targets, links: resolveLinks(targets) };
  }

  /** One long-lived pinger per addressed hop (health/hop-pingers.ts). */
  private syncPingers(chainLinks: readonly TopologyLink[]): void {
    const targets = chainLinks.flatMap((link) => {
      const plan = pingPlanFor(link);
      const ns = plan && this.namespaceOf(plan.from);
      return plan && ns ? [{ key: linkKey(link), ns, address: plan.address }] : [];
    });
    this.pingers.sync(targets);
    const keys = new Set(targets.map((t) => t.key));
    const kept = (checks: ReadonlyMap<string, HopCheck>) => new Map([...checks].filter(([k]) => keys.has(k)));
    if (this.pendingChecks) this.pendingChecks = kept(this.pendingChecks);
    if ([...this.state.checks.keys()].some((k) => !keys.has(k))) this.update({ checks: kept(this.state.checks) });
  }

  /**
   * A reply or a miss of one hop. Only a hop turning good or bad is drawn
   * differently, so only that changes the state, and redraws are gathered
   * (at most twice a second); a reply like the last one changes nothing.
   */
  private pingSample(key: string, sample: { ok: boolean; latencyMs?: number }): void {
    const checks = this.pendingChecks ?? this.state.checks;
    if (checks.get(key)?.ok === sample.ok) return;
    this.pendingChecks = new Map(checks).set(key, { ok: sample.ok, ...(sample.latencyMs !== undefined ? { latencyMs: sample.latencyMs } : {}) });
    this.checksTimer ??= setTimeout(() => {
      this.checksTimer = undefined;
      const pending = this.pendingChecks;
      this.pendingChecks = undefined;
      if (pending && !this.stopped) this.update({ checks: pending });
    }, CHECKS_REDRAW_MS);
  }

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

  /** One round of every watch (the hops have their own pingers). */
  private async checkWatches(): Promise<void> {
    if (this.healthRunning || !this.state.topology || this.state.watches.length === 0) return;
    this.healthRunning = true;
    try {
      const checked = new Map((await Promise.all(this.state.watches.map((w) => this.checkWatch(w)))).map((w) => [w.id, w]));
      // watches added or removed while this round ran are kept as they are now
      this.update({ watches: this.state.watches.map((w) => checked.get(w.id) ?? w) });
    } finally {
      this.healthRunning = false;
    }
  }

  private async checkWatch(w: Watch): Promise<Watch> {
    const ns = this.namespaceOf(w.target);
    let ok: boolean;
    let detail: string;
    if (!ns) {
      ok = false;
      detail = `${w.target} is not running`;
    } else if (w.kind === 'ping') {
      const r = await pingFrom(ns, w.destination, 1);
      ok = r.received > 0;
      detail = ok ? `${r.avgMs ?? '?'} ms` : r.error ?? 'no reply';
    } else {
      const r = await probeFrom(ns, w.destination, 1500);
      ok = r.status !== undefined && r.status < 400;
      detail = r.error ?? `${r.status} ${r.ms} ms`;
    }
    const changed = w.ok !== ok;
    if (changed && w.ok !== undefined) this.log(ok ? 'ok' : 'bad', `watch ${w.id} ${w.kind} ${w.target} → ${w.destination}: ${ok ? 'ok again' : 'failing'} (${detail})`);
    const recent = [...w.recent, ok].slice(-WATCH_WINDOW);
    const loss = Math.round((recent.filter((r) => !r).length / recent.length) * 100);
    return { ...w, ok, recent, detail: `${detail} · loss ${loss}% of ${recent.length}`, ...(changed ? { changedAt: new Date() } : {}) };
  }

  /** The chain drawing's input. */
  chain() {
    if (!this.state.topology) return { nodes: [], hops: [] };
    const drawn = chainFromTopology(this.state.topology, this.state.broken, this.state.checks);
    if (!this.state.healing) return drawn;
    return { ...drawn, hops: drawn.hops.map((h) => (h.health === 'broken' ? { ...h, healing: true } : h)) };
  }

  private update(patch: Partial<SessionState>): void {
    this.state = { ...this.state, ...patch };
    if (this.redrawsHeld > 0) {
      this.redrawPending = true;
      return;
    }
    for (const l of this.listeners) l();
  }
}

/**
 * The selection after a read: kept while its target exists; when it has gone
 * (a namespace deleted, a container removed), the target listed after it
 * before (or before it, when it was the last), so the cursor stays where it
 * was in the targets list rather than jumping to the top. The host, listed
 * last, is taken only when nothing else is left.
 */
/** Whether the targets panel's filter shows a target: its label holds the filter's text. */
export function filterShows(filter: string, label: string): boolean {
  return label.includes(filter);
}

export function nextSelection(before: Topology | undefined, now: Topology, selected: string | undefined, filter = ''): string | undefined {
  const present = new Set(now.targets.map((t) => t.ns.label));
  if (selected !== undefined && present.has(selected)) return selected;
  const old = (before?.targets ?? []).filter((t) => t.ns.kind !== 'host').map((t) => t.ns.label);
  const at = selected === undefined ? -1 : old.indexOf(selected);
  // one the targets filter shows, if there is one
  const shown = (l: string) => present.has(l) && filterShows(filter, l);
  if (at >= 0) {
    const near = (ok: (l: string) => boolean) => old.slice(at + 1).find(ok) ?? old.slice(0, at).reverse().find(ok);
    const neighbour = near(shown) ?? near((l) => present.has(l));
    if (neighbour !== undefined) return neighbour;
  }
  const others = now.targets.filter((t) => t.ns.kind !== 'host').map((t) => t.ns.label);
  return others.find(shown) ?? others[0] ?? now.targets[0]?.ns.label;
}

/** Lines that would never finish, or open a second UI inside this one. */
function promptRefusal(words: readonly string[]): string | undefined {
  if (words[0] === 'demo' || words[0] === 'tutorial' || words[0] === 'ui') {
    return `"${words[0]}" opens its own UI: run it from a shell (chainmail ${words[0]})`;
  }
  const healing = words[0] === 'heal' || (words[0] === 'chain' && words[1] === 'heal');
  if (healing && words.includes('--watch')) return 'heal --watch runs until stopped: run it from a shell; here, heal once when the chain breaks';
  if (healing && words.includes('reattach')) return 'heal --policy reattach waits for the node to come back: run it from a shell';
  return undefined;
}

/** `ls` in one line for the log: the panels show its table. */
function lsSummary(json: unknown): string {
  const { targets = [], links = [] } = json as { targets?: unknown[]; links?: unknown[] };
  return `${targets.length} target${targets.length === 1 ? '' : 's'}, ${links.length} link${links.length === 1 ? '' : 's'} (the panels show them; ls --json in a shell prints them)`;
}
