import React, { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import type { Session } from './session.js';
import { chainScrollLimit, ChainView } from './ChainView.js';
import { Prompt } from './Prompt.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { CommandHistory } from './history.js';
import { DetailPanel, detailLines, LogPanel, logRows, panelScrollLimit, Panel, TargetsPanel, tint, visibleTargets, WatchLines } from './panels.js';
import { renderChains } from '../render/chain.js';
import { isChainLink } from '../render/chain-input.js';
import { toCommandWords } from './prompt-line.js';
import { StepPane } from './StepPane.js';
import type { TutorialPlayer } from '../tutorial/player.js';

type Focus = 'targets' | 'chain' | 'details' | 'log';
const MIN_COLUMNS = 80;
const MIN_ROWS = 24;
const FOCUS_ORDER: Focus[] = ['targets', 'chain', 'details', 'log'];

/** Terminal size, following resizes. */
function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => void stdout.off('resize', onResize);
  }, [stdout]);
  return size;
}

/** Cuts at a word boundary, with an ellipsis, to at most `width` characters. */
function fitText(text: string, width: number): string {
  if (text.length <= width) return text;
  const cut = text.slice(0, Math.max(0, width - 1));
  const space = cut.lastIndexOf(' ');
  return `${space > width / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * State whose latest value the key handler reads from the ref: keys that
 * arrive in one read (Down Down, a held key) are handled one after another
 * before React renders again, and each must build on the one before.
 */
function useLatestState<T>(initial: T): [T, (next: T | ((previous: T) => T)) => void, React.RefObject<T>] {
  const [value, setValue] = useState(initial);
  const ref = useRef(initial);
  const set = useCallback((next: T | ((previous: T) => T)) => {
    ref.current = typeof next === 'function' ? (next as (previous: T) => T)(ref.current) : next;
    setValue(ref.current);
  }, []);
  return [value, set, ref];
}

/** How far a key moves the focused panel: a row, a page, or to either end; undefined for other keys. */
function moveOf(input: string, key: Key, page: number): number | undefined {
  if (key.upArrow || input === 'k') return -1;
  if (key.downArrow || input === 'j') return 1;
  if (key.pageUp) return -page;
  if (key.pageDown) return page;
  if (key.home) return -Infinity;
  if (key.end) return Infinity;
  return undefined;
}

const clamp = (n: number, low: number, high: number) => Math.max(low, Math.min(high, n));

export function App(props: { session: Session; history: CommandHistory; tutorial?: TutorialPlayer }) {
  const { session } = props;
  const state = useSyncExternalStore((l) => session.subscribe(l), () => session.state);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [focus, setFocus, focusRef] = useLatestState<Focus>('targets');
  const [prompting, setPrompting, promptingRef] = useLatestState(false);
  const [filtering, setFiltering, filteringRef] = useLatestState(false);
  const [filter, setFilter, filterRef] = useLatestState('');
  const [help, setHelp, helpRef] = useLatestState(false);
  const [logBack, setLogBack, logBackRef] = useLatestState(0);
  const [detailScroll, setDetailScroll, detailScrollRef] = useLatestState(0);
  const [chainScroll, setChainScroll, chainScrollRef] = useLatestState(0);
  const [typeAhead, setTypeAhead] = useState('');

  const targets = visibleTargets(state.topology, filter);
  useEffect(() => session.setTargetsFilter(filter), [session, filter]);
  // a filter that hides the selected target moves the selection to the first target it shows
  useEffect(() => {
    const shown = visibleTargets(session.state.topology, filter);
    if (shown.length && !shown.some((t) => t.ns.label === session.state.selected)) {
      session.select(shown[0]!.ns.label);
      setDetailScroll(0);
    }
  }, [session, filter, state.topology, state.selected]);
  const selectedTarget = state.topology?.targets.find((t) => t.ns.label === state.selected);
  const chain = useMemo(() => session.chain(), [state.topology, state.broken, state.checks, state.healing]);

  const completionContext = useMemo(() => ({
    targets: (state.topology?.targets ?? []).map((t) => t.ns.label),
    interfaces: Object.fromEntries((state.topology?.targets ?? []).map((t) => [t.ns.label, t.interfaces.map((i) => i.name)])),
  }), [state.topology]);

  // layout: header, two rows of panels, the prompt and its completion line. The
  // frame stays a row shorter than the terminal: Ink clears the whole screen
  // before every update of a frame as tall as the terminal
  const height = rows - 1;
  const body = height - 3;
  const topHeight = Math.max(8, Math.floor(body / 2));
  const bottomHeight = body - topHeight;
  const leftWidth = Math.min(40, Math.floor(columns * 0.34));
  const rightWidth = columns - leftWidth;
  // watches share the chain panel: at most half of it
  const watchRows = Math.min(state.watches.length, Math.floor((topHeight - 3) / 2));
  // a tutorial's step pane (in the log's place) gets more of the width for its text
  const detailWidth = Math.floor(columns * (props.tutorial ? 0.4 : 0.5));

  const chainWidth = rightWidth - 4;
  const chainRows = topHeight - 3 - watchRows;
  const chainLines = useMemo(() => renderChains(chain.nodes, chain.hops, chainWidth), [chain, chainWidth]);
  const chainLimit = chainScrollLimit(chainLines.length, chainRows);

  const peers = useMemo(() => {
    const map = new Map<string, string>();
    for (const l of state.topology?.links ?? []) {
      if (!l.b) continue;
      map.set(`${l.a.target}:${l.a.ifname}`, `${l.b.target}:${l.b.ifname}`);
      map.set(`${l.b.target}:${l.b.ifname}`, `${l.a.target}:${l.a.ifname}`);
    }
    return map;
  }, [state.topology]);
  const details = detailLines(selectedTarget, state.details, peers);
  const detailLimit = panelScrollLimit(details.length, bottomHeight);

  const logWidth = columns - detailWidth;
  // without focus the log shows its newest rows, entries other than ✓ and ✗ cut to a row each
  const logFocused = focus === 'log' && !prompting;
  const wholeLog = useMemo(() => logRows(state.log, logWidth - 4, true), [state.log, logWidth]);
  const compactLog = useMemo(() => (logFocused ? [] : logRows(state.log, logWidth - 4)), [state.log, logWidth, logFocused]);
  // scrolling is of the whole rows (Tab then Up in one read scrolls those too)
  const logLimit = panelScrollLimit(wholeLog.length, bottomHeight);

  // a resize, or a drawing, a target or a log that got shorter, leaves no scroll past the end
  useEffect(() => {
    if (logBackRef.current > logLimit) setLogBack(logLimit);
  }, [logLimit]);
  useEffect(() => {
    if (chainScrollRef.current > chainLimit) setChainScroll(chainLimit);
  }, [chainLimit]);
  useEffect(() => {
    if (detailScrollRef.current > detailLimit) setDetailScroll(detailLimit);
  }, [detailLimit]);

  // what the key handler needs of this render's layout (the layout does not change between keys of one read)
  const layout = useRef({ targetRows: 1, chainPage: 1, chainLimit: 0, detailRows: 1, detailLimit: 0, logRows: 1, logLimit: 0 });
  layout.current = {
    targetRows: topHeight - 3,
    chainPage: Math.max(1, chainRows - 2),
    chainLimit,
    detailRows: bottomHeight - 3,
    detailLimit,
    logRows: bottomHeight - 3,
    logLimit,
  };

  const quit = () => {
    session.stop();
    exit();
  };

  // Ctrl-C quits from anywhere, the prompt included
  useInput((input, key) => {
    if (key.ctrl && input === 'c') quit();
  });

  /** Moves what the focused panel shows by `by` rows (targets in the targets panel). */
  const move = (by: number) => {
    const focused = focusRef.current;
    if (focused === 'targets') {
      const shown = visibleTargets(session.state.topology, filterRef.current);
      if (!shown.length) return;
      const i = shown.findIndex((t) => t.ns.label === session.state.selected);
      const next = shown[clamp(i + by, 0, shown.length - 1)]!;
      if (next.ns.label !== session.state.selected) {
        session.select(next.ns.label);
        setDetailScroll(0);
      }
    } else if (focused === 'log') {
      // the log's scroll counts rows back from the newest (an entry can be taller than the panel): up goes back
      setLogBack((b) => clamp(Math.min(b, layout.current.logLimit) - by, 0, layout.current.logLimit));
    } else if (focused === 'details') {
      setDetailScroll((s) => clamp(Math.min(s, layout.current.detailLimit) + by, 0, layout.current.detailLimit));
    } else {
      setChainScroll((s) => clamp(Math.min(s, layout.current.chainLimit) + by, 0, layout.current.chainLimit));
    }
  };

  const pageOf = (focused: Focus): number => {
    const l = layout.current;
    const page = focused === 'targets' ? l.targetRows : focused === 'chain' ? l.chainPage : focused === 'details' ? l.detailRows : l.logRows;
    return Math.max(1, page - 1);
  };

  const onKey = (input: string, key: Key) => {
    if (helpRef.current) {
      setHelp(false);
      return;
    }
    if (promptingRef.current) {
      // the prompt opened earlier in this read and takes keys from the next render on: typed text waits for it
      if (key.return) setTypeAhead((t) => t + '\r');
      else if (!key.ctrl && !key.meta && /^[^\x00-\x1f\x7f]+$/.test(input)) setTypeAhead((t) => t + input);
      return;
    }
    if (filteringRef.current) {
      if (key.escape) { setFilter(''); setFiltering(false); return; }
      if (key.return) { setFiltering(false); return; }
      if (key.backspace || key.delete) { setFilter((f) => f.slice(0, -1)); return; }
      if (key.ctrl || key.meta) return;
      // typed fast or pasted, text and Enter arrive in one read
      const end = input.search(/[\r\n]/);
      const typed = (end < 0 ? input : input.slice(0, end)).replace(/[\x00-\x1f\x7f]/g, '');
      setFilter((f) => f + typed);
      if (end >= 0) setFiltering(false);
      return;
    }
    if (input.startsWith(':')) {
      if (input.length > 1) setTypeAhead(input.slice(1));
      return setPrompting(true);
    }
    if (input === '?') return setHelp(true);
    if (input === 'q') return quit();
    if (input === '/') { setFiltering(true); setFocus('targets'); return; }
    if (input === 'r') { session.forgetBroken(); session.log('info', 'refreshed'); return; }
    if (key.tab) {
      const i = FOCUS_ORDER.indexOf(focusRef.current);
      setFocus(FOCUS_ORDER[(i + (key.shift ? FOCUS_ORDER.length - 1 : 1)) % FOCUS_ORDER.length]!);
      return;
    }
    const by = moveOf(input, key, pageOf(focusRef.current));
    if (by !== undefined) move(by);
  };

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return;
    // a burst of single-key commands typed fast (Tabs included) arrives as one string: each key counts
    if (input.length > 1 && !key.ctrl && !key.meta && /^[?qr\/jk\t]+$/.test(input)) {
      for (const ch of input) onKey(ch, { ...key, tab: ch === '\t' });
      return;
    }
    onKey(input, key);
  }, { isActive: !prompting });

  const linkCount = state.topology?.links.filter(isChainLink).length ?? 0;
  const checked = [...state.checks.values()];
  const running = state.topology?.targets.filter((t) => t.ns.kind === 'docker' && t.status === 'running').length ?? 0;
  const netns = state.topology?.targets.filter((t) => t.ns.kind === 'netns').length ?? 0;
  const engine = state.engine.state === 'connected' ? `docker ● ${running} running`
    : state.engine.state === 'connecting' ? 'docker …' : 'docker ✗ unreachable';
  const broken = state.broken.size ? ` · ${state.broken.size} broken` : '';
  // hops and watches alike: an end-to-end probe failing is the chain's health too
  const results = [...checked.map((c) => c.ok), ...state.watches.filter((w) => w.ok !== undefined).map((w) => w.ok === true)];
  const activity = state.healing ? ' · healing…' : state.busy ? ' · running…' : '';
  const header = ` chainmail  ${engine} · netns ${netns} · links ${linkCount}${broken} · health ${results.filter(Boolean).length}/${results.length} ok${activity}`;
  // the key hint only where the counts fit beside it (the prompt line names the keys too)
  const hint = '? help  : command  / filter  q quit ';
  const keysHint = header.length + 1 + hint.length <= columns ? hint : '';

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text wrap="truncate">{`chainmail needs ${MIN_COLUMNS}x${MIN_ROWS}; this terminal is ${columns}x${rows}. q quits.`}</Text>;
  }
  if (help) {
    return <HelpOverlay width={columns} height={height} />;
  }

  return (
    <Box flexDirection="column" width={columns} height={height}>
      <Box width={columns}>
        <Text bold color={tint(state.engine.state === 'unreachable' ? 'yellow' : undefined)} wrap="truncate">
          {fitText(header, columns - keysHint.length - 1).padEnd(columns - keysHint.length)}
        </Text>
        <Text dimColor wrap="truncate">{keysHint}</Text>
      </Box>
      <Box>
        <TargetsPanel targets={targets} selected={state.selected} filter={filter} filtering={filtering}
          width={leftWidth} height={topHeight} focused={focus === 'targets' && !prompting} />
        <Panel title="chain" width={rightWidth} height={topHeight} focused={focus === 'chain' && !prompting}>
          <ChainView nodes={chain.nodes} hops={chain.hops} lines={chainLines} width={chainWidth} maxRows={chainRows}
            scroll={chainScroll} focused={focus === 'chain' && !prompting} />
          <WatchLines watches={state.watches.slice(0, watchRows)} width={rightWidth - 4} />
        </Panel>
      </Box>
      <Box>
        <DetailPanel target={selectedTarget} lines={details} scroll={detailScroll}
          width={detailWidth} height={bottomHeight} focused={focus === 'details' && !prompting} />
        {props.tutorial
          ? <StepPane player={props.tutorial} width={columns - detailWidth} height={bottomHeight}
            active={!prompting && !filtering} focused={focus === 'log' && !prompting} />
          : <LogPanel rows={logFocused ? wholeLog : compactLog} scrollBack={logFocused ? logBack : 0} width={logWidth} height={bottomHeight} focused={logFocused} />}
      </Box>
      <Prompt
        focused={prompting}
        history={props.history}
        completionContext={completionContext}
        onSubmit={(line) => {
          let words: string[] = [];
          try {
            words = toCommandWords(line) ?? [];
          } catch { /* runLine reports it */ }
          if (words[0] === 'quit' || words[0] === 'exit') return quit();
          if (words[0] === 'help' && words.length === 1) { setHelp(true); return; }
          if (words[0] === 'clear' && words.length === 1) { session.clearLog(); setLogBack(0); return; }
          if (logBackRef.current !== 0) setLogBack(0);
          return session.runLine(line);
        }}
        onLeave={() => setPrompting(false)}
        typeAhead={typeAhead}
        onTypeAheadUsed={() => setTypeAhead('')}
        width={columns}
      />
    </Box>
  );
}
