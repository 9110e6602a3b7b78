import { Box, Text } from 'ink';
import { fitText } from '../layout.js';
import type { SessionState } from '../session/store.js';
import { tint } from './panels.js';

/** The key hint, shown only where the counts fit beside it (the prompt line names the keys too). */
const KEYS_HINT = '? help  : command  / filter  q quit ';

/** The top line: the engine, the counts, the health of hops and watches, and what is running. */
export function Header({ state, links, width }: { state: SessionState; links: number; width: number }) {
  const text = headerText(state, links);
  const hint = text.length + 1 + KEYS_HINT.length <= width ? KEYS_HINT : '';
  return (
    <Box width={width}>
      <Text bold color={tint(state.engine.state === 'unreachable' ? 'yellow' : undefined)} wrap="truncate">
        {fitText(text, width - hint.length - 1).padEnd(width - hint.length)}
      </Text>
      <Text dimColor wrap="truncate">
        {hint}
      </Text>
    </Box>
  );
}

export function headerText(state: SessionState, links: number): string {
  const targets = state.topology?.targets ?? [];
  const running = targets.filter((t) => t.ns.kind === 'docker' && t.status === 'running').length;
  const netns = targets.filter((t) => t.ns.kind === 'netns').length;
  const engine = state.engine.state === 'connected' ? `docker ● ${running} running` : state.engine.state === 'connecting' ? 'docker …' : 'docker ✗ unreachable';
  const broken = state.broken.size ? ` · ${state.broken.size} broken` : '';
  // hops and watches alike: an end-to-end probe failing is the chain's health too
  const results = [...[...state.checks.values()].map((c) => c.ok), ...state.watches.filter((w) => w.ok !== undefined).map((w) => w.ok === true)];
  const activity = state.healing ? ' · healing…' : state.busy ? ' · running…' : '';
  return ` chainmail  ${engine} · netns ${netns} · links ${links}${broken} · health ${results.filter(Boolean).length}/${results.length} ok${activity}`;
}
