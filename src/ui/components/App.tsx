/**
 * The whole screen: a header, the targets and chain panels, the details and
 * log (or a tutorial's step) panels, and the prompt. State comes from the
 * session; keys are looked up in the keymap (hooks/use-screen-keys.ts).
 */
import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { Text, Box, useApp, useStdout } from 'ink';
import { ChainmailError } from '../../errors.js';
import { targetWordsOf } from '../../targets/namespace.js';
import { isChainLink } from '../../render/chain-input.js';
import { renderChains } from '../../render/chain.js';
import type { TutorialPlayer } from '../../tutorial/player.js';
import type { CommandHistory } from '../history.js';
import { useClampedScroll } from '../hooks/use-clamped-scroll.js';
import { useScreenKeys, type Focus, type MoveAction } from '../hooks/use-screen-keys.js';
import { useTerminalSize } from '../hooks/use-terminal-size.js';
import { clamp, MIN_COLUMNS, MIN_ROWS, screenLayout } from '../layout.js';
import type { Session } from '../session/session.js';
import { CapturePane } from './CapturePane.js';
import { chainScrollLimit, ChainView, chainWindow, namesOnRows } from './ChainView.js';
import { Header } from './Header.js';
import { HelpOverlay } from './HelpOverlay.js';
import { DetailPanel, detailLines, LogPanel, logRows, Panel, panelScrollLimit, TargetsPanel, visibleTargets, WatchLines } from './panels.js';
import { Prompt } from './Prompt.js';
import { StepPane } from './StepPane.js';

export interface AppProps {
  session: Session;
  history: CommandHistory;
  tutorial?: TutorialPlayer;
  /**
   * Hands the terminal to `chainmail shell TARGET-WORDS` until it exits and
   * takes it back (run-ui.ts); returns the shell's exit code.
   */
  openShell?: (targetWords: readonly string[]) => number;
}

export function App(props: AppProps) {
  const { session } = props;
  const state = useSyncExternalStore(
    (l) => session.subscribe(l),
    () => session.state,
  );
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const { write } = useStdout();
  const layout = screenLayout(columns, rows, state.watches.length, props.tutorial !== undefined);

  // session.chain() reads these parts of the state: it is drawn anew when one of them changes
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const chain = useMemo(() => session.chain(), [session, state.topology, state.broken, state.checks, state.healing, state.traffic, state.drops]);
  const chainLines = useMemo(() => renderChains(chain.nodes, chain.hops, layout.chainWidth), [chain, layout.chainWidth]);
  const [chainScroll, setChainScroll] = useClampedScroll(chainScrollLimit(chainLines.length, layout.chainRows));
  // only the hops the chain panel shows have their traffic read (a chain of hundreds shows a few dozen)
  const shownWindow = chainWindow(chainLines.length, layout.chainRows, chainScroll);
  const shownNames = useMemo(
    () => [...namesOnRows(chainLines.slice(shownWindow.start, shownWindow.end), chain.nodes)].join('\n'),
    [chainLines, chain.nodes, shownWindow.start, shownWindow.end],
  );
  useEffect(() => session.setTrafficShown(chainLines.length ? new Set(shownNames.split('\n')) : undefined), [session, shownNames, chainLines.length]);

  const selectedTarget = state.topology?.targets.find((t) => t.ns.label === state.selected);
  const peers = useMemo(() => peersOf(state.topology?.links ?? []), [state.topology]);
  const details = detailLines(selectedTarget, state.details, peers, selectedTarget ? state.drops.get(selectedTarget.ns.label) : undefined);
  const [detailScroll, setDetailScroll] = useClampedScroll(panelScrollLimit(details.length, layout.bottomHeight));

  // scrolling is of the whole rows (Tab then Up in one read scrolls those too)
  const wholeLog = useMemo(() => logRows(state.log, layout.logWidth - 4, true), [state.log, layout.logWidth]);
  const logLimit = panelScrollLimit(wholeLog.length, layout.bottomHeight);
  const [logBack, setLogBack, logBackRef] = useClampedScroll(logLimit);

  const quit = () => {
    session.stop();
    exit();
  };

  /** Moves what the focused panel shows by rows, a page, or to either end (targets in the targets panel). */
  const move = (focused: Focus, action: MoveAction) => {
    const pages = { targets: layout.topHeight - 3, chain: Math.max(1, layout.chainRows - 2), details: layout.bottomHeight - 3, log: layout.bottomHeight - 3 };
    const by = stepOf(action, Math.max(1, pages[focused] - 1));
    if (focused === 'targets') {
      const shown = visibleTargets(session.state.topology, keys.filterNow());
      if (!shown.length) return;
      const i = shown.findIndex((t) => t.ns.label === session.state.selected);
      const next = shown[clamp(i + by, 0, shown.length - 1)]!;
      if (next.ns.label !== session.state.selected) {
        session.select(next.ns.label);
        setDetailScroll(0);
      }
      return;
    }
    const limits = { chain: chainScrollLimit(chainLines.length, layout.chainRows), details: panelScrollLimit(details.length, layout.bottomHeight), log: logLimit };
    const limit = limits[focused];
    // the log's scroll counts rows back from the newest (an entry can be taller than the panel): up goes back
    if (focused === 'log') setLogBack((b) => clamp(Math.min(b, limit) - by, 0, limit));
    else (focused === 'details' ? setDetailScroll : setChainScroll)((s) => clamp(Math.min(s, limit) + by, 0, limit));
  };

  /** A shell in a target on the whole terminal; the UI is drawn again, as it was, when it exits. */
  const shellIn = (words: readonly string[], label: string) => {
    if (!props.openShell) return session.log('bad', 'this UI cannot hand its terminal over to a shell');
    let code: number;
    try {
      code = props.openShell(words);
    } catch (err) {
      session.log('bad', `shell in ${label}: ${err instanceof ChainmailError || err instanceof Error ? err.message : String(err)}`);
      return;
    }
    // the screen was given away: an empty write makes Ink draw its whole frame again, not only what changed
    write('');
    session.log(code === 0 ? 'ok' : 'bad', `shell in ${label}: exit ${code}`);
  };

  const keys = useScreenKeys({
    quit,
    openShell: () => {
      const target = session.state.topology?.targets.find((t) => t.ns.label === session.state.selected);
      if (target) shellIn(targetWordsOf(target.ns), target.ns.label);
      else session.log('bad', 'select a target first, then s opens a shell in it');
    },
    refresh: () => {
      session.forgetBroken();
      session.log('info', 'refreshed');
    },
    move,
    capture: () => session.captureSelected(),
    closePane: () => session.closeCapture(),
  });

  const targets = visibleTargets(state.topology, keys.filter);
  useEffect(() => session.setTargetsFilter(keys.filter), [session, keys.filter]);
  // a filter that hides the selected target moves the selection to the first target it shows
  useEffect(() => {
    const shown = visibleTargets(session.state.topology, keys.filter);
    if (shown.length && !shown.some((t) => t.ns.label === session.state.selected)) {
      session.select(shown[0]!.ns.label);
      setDetailScroll(0);
    }
  }, [session, keys.filter, state.topology, state.selected, setDetailScroll]);

  const completionContext = useMemo(
    () => ({
      targets: (state.topology?.targets ?? []).map((t) => t.ns.label),
      interfaces: Object.fromEntries((state.topology?.targets ?? []).map((t) => [t.ns.label, t.interfaces.map((i) => i.name)])),
    }),
    [state.topology],
  );

  // without focus the log shows its newest rows, entries other than ✓ and ✗ cut to a row each
  const logFocused = keys.focus === 'log' && !keys.prompting;
  const compactLog = useMemo(() => (logFocused ? [] : logRows(state.log, layout.logWidth - 4)), [state.log, layout.logWidth, logFocused]);
  const focused = (panel: Focus) => keys.focus === panel && !keys.prompting;

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text wrap="truncate">{`chainmail needs ${MIN_COLUMNS}x${MIN_ROWS}; this terminal is ${columns}x${rows}. q quits.`}</Text>;
  }
  if (keys.help) return <HelpOverlay width={columns} height={layout.height} />;

  return (
    <Box flexDirection="column" width={columns} height={layout.height}>
      <Header state={state} links={state.topology?.links.filter(isChainLink).length ?? 0} width={columns} />
      <Box>
        <TargetsPanel
          targets={targets}
          selected={state.selected}
          filter={keys.filter}
          filtering={keys.filtering}
          width={layout.leftWidth}
          height={layout.topHeight}
          focused={focused('targets')}
        />
        <Panel title="chain" width={layout.rightWidth} height={layout.topHeight} focused={focused('chain')}>
          <ChainView
            nodes={chain.nodes}
            hops={chain.hops}
            lines={chainLines}
            width={layout.chainWidth}
            maxRows={layout.chainRows}
            scroll={chainScroll}
            focused={focused('chain')}
          />
          <WatchLines watches={state.watches.slice(0, layout.watchRows)} width={layout.rightWidth - 4} />
        </Panel>
      </Box>
      <Box>
        <DetailPanel target={selectedTarget} lines={details} scroll={detailScroll} width={layout.detailWidth} height={layout.bottomHeight} focused={focused('details')} />
        {state.capture ? (
          <CapturePane view={state.capture} width={layout.logWidth} height={layout.bottomHeight} />
        ) : props.tutorial ? (
          <StepPane player={props.tutorial} width={layout.logWidth} height={layout.bottomHeight} active={!keys.prompting && !keys.filtering} focused={focused('log')} />
        ) : (
          <LogPanel
            rows={logFocused ? wholeLog : compactLog}
            scrollBack={logFocused ? logBack : 0}
            width={layout.logWidth}
            height={layout.bottomHeight}
            focused={logFocused}
          />
        )}
      </Box>
      <Prompt
        focused={keys.prompting}
        history={props.history}
        completionContext={completionContext}
        onSubmit={(line) => {
          // parsed once: the screen acts on its own verbs, the session runs the rest
          const parsed = session.parse(line);
          const command = parsed.command;
          if (command?.kind === 'quit') return quit();
          if (command?.kind === 'help' && command.topic === undefined) return keys.openHelp();
          if (command?.kind === 'shell') {
            session.resolve(command.target).then(
              (ns) => shellIn(targetWordsOf(ns), ns.label),
              (err: unknown) => session.log('bad', `${parsed.shown}: ${err instanceof Error ? err.message : String(err)}`),
            );
            return;
          }
          if (command?.kind === 'clear') {
            session.clearLog();
            setLogBack(0);
            return;
          }
          if (logBackRef.current !== 0) setLogBack(0);
          return session.runParsed(parsed);
        }}
        onLeave={keys.leavePrompt}
        typeAhead={keys.typeAhead}
        onTypeAheadUsed={keys.typeAheadUsed}
        width={columns}
      />
    </Box>
  );
}

/** How far a move goes: a row, a page, or to either end. */
function stepOf(action: MoveAction, page: number): number {
  switch (action) {
    case 'up':
      return -1;
    case 'down':
      return 1;
    case 'pageUp':
      return -page;
    case 'pageDown':
      return page;
    case 'top':
      return -Infinity;
    case 'bottom':
      return Infinity;
  }
}

/** "target:ifname" of each link end to the other end's. */
function peersOf(links: ReadonlyArray<{ a: { target: string; ifname: string }; b?: { target: string; ifname: string } }>): Map<string, string> {
  const map = new Map<string, string>();
  for (const l of links) {
    if (!l.b) continue;
    map.set(`${l.a.target}:${l.a.ifname}`, `${l.b.target}:${l.b.ifname}`);
    map.set(`${l.b.target}:${l.b.ifname}`, `${l.a.target}:${l.a.ifname}`);
  }
  return map;
}
