/**
 * Whether chainmail colours, and how deep, decided here for the printed
 * output and the UI alike (chalk's level; Ink draws through chalk). In order:
 * - `--no-color` on the command line: no colour (a flag beats the environment);
 * - FORCE_COLOR, as chalk and Node read it: 0 or false none, 1 (or true, or
 *   empty) 16 colours, 2 256, 3 truecolor; it holds off a terminal too, and
 *   beats NO_COLOR (it is the more particular wish, as in Node);
 * - NO_COLOR with a value (no-color.org: set but empty means unset): none;
 * - TERM=dumb, or output that is not a terminal: none;
 * - otherwise the terminal's depth (TERM, COLORTERM).
 * chalk settles a level of its own as it loads and finds none wherever CI is
 * set, even on a real terminal (a CI job driving tmux): the terminal is asked
 * instead. The UI keeps bold, dim and inverse when colours are off (its
 * prompt's cursor is drawn inverse), so its level follows the terminal and
 * only its hues go (huesWanted).
 */
export type ColourLevel = 0 | 1 | 2 | 3;

interface Stream {
  isTTY?: boolean;
}

/** Set once from the command line's --no-color, before anything is drawn. */
let noColourFlag = false;

export function setNoColourFlag(on: boolean): void {
  noColourFlag = on;
}

/** The depth the terminal shows: 0 off a terminal and on a dumb one. */
export function terminalColourLevel(stream: Stream, env: NodeJS.ProcessEnv): ColourLevel {
  if (stream.isTTY !== true) return 0;
  const term = env.TERM ?? '';
  if (term === 'dumb') return 0;
  if (/^(truecolor|24bit)$/i.test(env.COLORTERM ?? '')) return 3;
  if (/-256(color)?$/i.test(term)) return 2;
  return 1;
}

/** FORCE_COLOR's level, undefined when it is not set. */
export function forcedColourLevel(env: NodeJS.ProcessEnv): ColourLevel | undefined {
  const value = env.FORCE_COLOR;
  if (value === undefined) return undefined;
  if (value === '' || value === 'true') return 1;
  if (value === 'false') return 0;
  const n = Number.parseInt(value, 10);
  if (Number.isNaN(n)) return 1;
  return Math.max(0, Math.min(n, 3)) as ColourLevel;
}

/** Whether colours (not styles) are wanted at all, wherever the output goes. */
export function huesWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  if (noColourFlag) return false;
  const forced = forcedColourLevel(env);
  if (forced !== undefined) return forced > 0;
  if ((env.NO_COLOR ?? '') !== '') return false;
  return env.TERM !== 'dumb';
}

/** chalk's level for printed output on this stream. */
export function outputColourLevel(stream: Stream, env: NodeJS.ProcessEnv = process.env): ColourLevel {
  if (!huesWanted(env)) return 0;
  return forcedColourLevel(env) ?? terminalColourLevel(stream, env);
}

/** chalk's level for the UI: the terminal's depth (styles stay without colours), or FORCE_COLOR's. */
export function uiColourLevel(stream: Stream, env: NodeJS.ProcessEnv = process.env): ColourLevel {
  const forced = forcedColourLevel(env);
  return forced !== undefined && forced > 0 ? forced : terminalColourLevel(stream, env);
}
