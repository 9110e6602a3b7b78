import React, { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, useStdout } from 'ink';
import type { Session } from './session.js';
import { ChainView } from './ChainView.js';
import { Prompt } from './Prompt.js';
import { HelpOverlay } from './HelpOverlay.js';
import type { CommandHistory } from './history.js';
import { DetailPanel, LogPanel, Panel, TargetsPanel, visibleTargets, WatchLines } from './panels.js';
import { isChainLink } from '../render/chain-input.js';
import { toCommandWords } from './prompt-line.js';
import { StepPane } from './StepPane.js';
import type { TutorialPlayer } from '../tutorial/runner.js';

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

export function App(props: { session: Session; history: CommandHistory; tutorial?: TutorialPlayer }) {
  const { session } = props;
  const state = useSyncExternalStore((l) => session.subscribe(l), () => session.state);
  const { columns, rows } = useTerminalSize();
  const { exit } = useApp();
  const [focus, setFocus] = useState<Focus>('targets');
  const [prompting, setPrompting] = useState(false);
  const [filtering, setFiltering] = useState(false);
  const [filter, setFilter] = useState('');
  const [help, setHelp] = useState(false);
  const [logBack, setLogBack] = useState(0);
  const [detailScroll, setDetailScroll] = useState(0);
  const [typeAhead, setTypeAhead] = useState('');

  const targets = visibleTargets(state.topology, filter);
  useEffect(() => session.setTargetsFilter(filter), [session, filter]);
  const selectedTarget = state.topology?.targets.find((t) => t.ns.label === state.selected);
  const chain = useMemo(() => session.chain(), [state.topology, state.broken, state.checks, state.healing]);

  const completionContext = useMemo(() => ({
    targets: (state.topology?.targets ?? []).map((t) => t.ns.label),
    interfaces: Object.fromEntries((state.topology?.targets ?? []).map((t) => [t.ns.label, t.interfaces.map((i) => i.name)])),
  }), [state.topology]);

  const quit = () => {
    session.stop();
    exit();
  };

  // Ctrl-C quits from anywhere, the prompt included
  useInput((input, key) => {
    if (key.ctrl && input === 'c') quit();
  });

  useInput((input, key) => {
    if (key.ctrl && input === 'c') return;
    if (help) {
      setHelp(false);
      return;
    }
    if (filtering) {
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
    // a burst of single-key commands (":" and what follows is the prompt's)
    if (input.length > 1 && !key.ctrl && !key.meta && /^[?qr\/jk]+$/.test(input)) {
      for (const ch of input) {
        if (ch === 'q') return quit();
      }
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
      const i = FOCUS_ORDER.indexOf(focus);
      setFocus(FOCUS_ORDER[(i + (key.shift ? FOCUS_ORDER.length - 1 : 1)) % FOCUS_ORDER.length]!);
      return;
    }
    const up = key.upArrow || input === 'k';
    const down = key.downArrow || input === 'j';
    if (!up && !down) return;
    if (focus === 'targets' && targets.length) {
      const i = targets.findIndex((t) => t.ns.label === state.selected);
      const next = targets[Math.min(targets.length - 1, Math.max(0, i + (down ? 1 : -1)))];
      if (next) { session.select(next.ns.label); setDetailScroll(0); }
    } else if (focus === 'log') setLogBack((b) => Math.max(0, Math.min(state.log.length - 1, b + (up ? 1 : -1))));
    else if (focus === 'details') setDetailScroll((s) => Math.max(0, s + (down ? 1 : -1)));
  }, { isActive: !prompting });

  // layout: header, two rows of panels, the prompt (and its completion line)
  const body = rows - 3;
  const topHeight = Math.max(8, Math.floor(body / 2));
  const bottomHeight = body - topHeight;
  const leftWidth = Math.min(40, Math.floor(columns * 0.34));
  const rightWidth = columns - leftWidth;
  // watches share the chain panel: at most half of it
  const watchRows = Math.min(state.watches.length, Math.floor((topHeight - 3) / 2));
  // a tutorial's step pane (in the log's place) gets more of the width for its text
  const detailWidth = Math.floor(columns * (props.tutorial ? 0.4 : 0.5));

  const linkCount = state.topology?.links.filter(isChainLink).length ?? 0;
  const checked = [...state.checks.values()];
  const running = state.topology?.targets.filter((t) => t.ns.kind === 'docker' && t.status === 'running').length ?? 0;
  const netns = state.topology?.targets.filter((t) => t.ns.kind === 'netns').length ?? 0;
  const engine = state.engine.state === 'connected' ? `docker ● ${running} running`
    : state.engine.state === 'connecting' ? 'docker …' : 'docker ✗ unreachable';
  const broken = state.broken.size ? ` · ${state.broken.size} broken` : '';
  const header = ` chainmail  ${engine} · netns ${netns} · links ${linkCount}${broken} · health ${checked.filter((c) => c.ok).length}/${checked.length} ok${state.busy ? ' · running…' : ''}`;
  const keysHint = '? help  : command  / filter  q quit ';

  const peers = new Map<string, string>();
  for (const l of state.topology?.links ?? []) {
    if (!l.b) continue;
    peers.set(`${l.a.target}:${l.a.ifname}`, `${l.b.target}:${l.b.ifname}`);
    peers.set(`${l.b.target}:${l.b.ifname}`, `${l.a.target}:${l.a.ifname}`);
  }

  if (columns < MIN_COLUMNS || rows < MIN_ROWS) {
    return <Text wrap="truncate">{`chainmail needs ${MIN_COLUMNS}x${MIN_ROWS}; this terminal is ${columns}x${rows}. q quits.`}</Text>;
  }
  if (help) {
    return <HelpOverlay width={columns} height={rows} />;
  }

  return (
    <Box flexDirection="column" width={columns} height={rows}>
      <Box width={columns}>
        <Text bold color={state.engine.state === 'unreachable' ? 'yellow' : undefined} wrap="truncate">
          {fitText(header, columns - keysHint.length - 1).padEnd(columns - keysHint.length)}
        </Text>
        <Text dimColor wrap="truncate">{keysHint}</Text>
      </Box>
      <Box>
        <TargetsPanel targets={targets} selected={state.selected} filter={filter} filtering={filtering}
          width={leftWidth} height={topHeight} focused={focus === 'targets' && !prompting} />
        <Panel title="chain" width={rightWidth} height={topHeight} focused={focus === 'chain' && !prompting}>
          <ChainView nodes={chain.nodes} hops={chain.hops} width={rightWidth - 4} maxRows={topHeight - 3 - watchRows} />
          <WatchLines watches={state.watches.slice(0, watchRows)} width={rightWidth - 4} />
        </Panel>
      </Box>
      <Box>
        <DetailPanel target={selectedTarget} details={state.details} peers={peers} scroll={detailScroll}
          width={detailWidth} height={bottomHeight} focused={focus === 'details' && !prompting} />
        {props.tutorial
          ? <StepPane player={props.tutorial} width={columns - detailWidth} height={bottomHeight}
            active={!prompting && !filtering} focused={focus === 'log' && !prompting} />
          : <LogPanel log={state.log} scrollBack={logBack} width={columns - detailWidth} height={bottomHeight}
            focused={focus === 'log' && !prompting} />}
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
          setLogBack(0);
          void session.runLine(line);
        }}
        onLeave={() => setPrompting(false)}
        typeAhead={typeAhead}
        onTypeAheadUsed={() => setTypeAhead('')}
        width={columns}
      />
    </Box>
  );
}
