/**
 * The UI's capture: one tcpdump at a time (`c` on a target, `capture` at the
 * prompt), its summary lines kept for the capture pane until Esc closes it,
 * which stops tcpdump; quitting the UI stops it too.
 */
import type { CommandContext } from '../../host/context.js';
import type { CaptureCommand } from '../../parse/capture.js';
import type { Namespace } from '../../targets/namespace.js';
import type { RunningCapture } from '../../verbs/capture.js';
import type { CaptureView, SessionStore } from './store.js';

/** The newest lines the pane keeps: more than any screen shows. */
const KEEP_LINES = 500;
/** Lines that arrive together are drawn together: a busy link would otherwise redraw the screen per packet. */
const DRAW_EVERY_MS = 100;

export class CapturePane {
  private running: RunningCapture | undefined;
  /** Counts opens, so a capture's late lines or end never reach the pane of the next. */
  private generation = 0;
  private pending: string[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: SessionStore,
    private readonly ctx: CommandContext,
  ) {}

  /** Starts a capture in a new pane (closing any open one); throws, with no pane, when its checks fail. */
  async open(cmd: CaptureCommand, ns?: Namespace): Promise<{ ok: boolean; lines: string[] }> {
    this.close();
    const generation = ++this.generation;
    const mine = () => generation === this.generation;
    this.store.update({ capture: { title: cmd.ifname, lines: [], state: 'starting' } });
    let capture: RunningCapture;
    try {
      // loaded on the first capture: the UI's first frame does not wait for it
      const { startCapture } = await import('../../verbs/capture.js');
      capture = await startCapture(
        cmd,
        this.ctx,
        {
          packet: (line) => {
            if (mine()) this.add(line);
          },
          note: (line) => {
            if (mine()) this.add(`  ${line}`);
          },
        },
        ns,
      );
    } catch (err) {
      if (mine()) this.store.update({ capture: undefined });
      throw err;
    }
    if (!mine()) {
      capture.stop();
      return { ok: true, lines: [] };
    }
    this.running = capture;
    this.setView({ title: capture.title, state: 'running' });
    void capture.ended.then((end) => {
      if (!mine()) return;
      this.running = undefined;
      this.flush();
      this.setView(end.ok ? { state: 'ended' } : { state: 'failed', message: end.error ?? 'tcpdump failed' });
      if (!end.ok) this.store.log('bad', `  capture on ${capture.title}: ${end.error ?? 'tcpdump failed'}`);
    });
    const line = `capturing on ${capture.title} (Esc closes)`;
    this.store.log('ok', line);
    return { ok: true, lines: [line] };
  }

  /** Stops tcpdump, if it runs, and closes the pane. */
  close(): void {
    this.generation++;
    this.running?.stop();
    this.running = undefined;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
    if (this.store.state.capture) this.store.update({ capture: undefined });
  }

  get isOpen(): boolean {
    return this.store.state.capture !== undefined;
  }

  private add(line: string): void {
    this.pending.push(line);
    this.timer ??= setTimeout(() => this.flush(), DRAW_EVERY_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.pending.length) return;
    const lines = [...(this.store.state.capture?.lines ?? []), ...this.pending].slice(-KEEP_LINES);
    this.pending = [];
    this.setView({ lines });
  }

  private setView(patch: Partial<CaptureView>): void {
    const view = this.store.state.capture;
    if (view) this.store.update({ capture: { ...view, ...patch } });
  }
}
