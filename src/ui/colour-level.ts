/**
 * The colour level the UI is drawn with (chalk's, which Ink draws through),
 * from the terminal it opens on. chalk settles a level of its own as it loads
 * and finds none wherever CI is set, even on a real terminal (a CI job
 * driving tmux, a shell profile): the UI, which opens only on a terminal,
 * asks the terminal instead. NO_COLOR is not read here: it takes the colours
 * away (panels.tsx, tint) but keeps bold, dim and inverse, which need a level
 * above 0 all the same.
 */
export function terminalColourLevel(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): 0 | 1 | 2 | 3 {
  if (stream.isTTY !== true) return 0;
  const term = env.TERM ?? '';
  if (term === 'dumb') return 0;
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 3;
  if (/-256(color)?$/i.test(term)) return 2;
  return 1;
}
