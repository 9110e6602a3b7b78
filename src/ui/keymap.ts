/**
 * Every key of the UI in one table: what the help overlay lists, and what
 * the panels' and the prompt's key handlers look up. A new key is one row
 * here plus what its action does where it is handled.
 */
import type { Key } from 'ink';

/** What a key does while the panels have the keys. */
export type ScreenAction =
  | 'openPrompt'
  | 'help'
  | 'quit'
  | 'filter'
  | 'refresh'
  | 'shell'
  | 'nextPanel'
  | 'previousPanel'
  | 'up'
  | 'down'
  | 'pageUp'
  | 'pageDown'
  | 'top'
  | 'bottom'
  | 'capture'
  | 'closePane';

/** What a key does in the prompt's line. */
export type PromptAction =
  'submit' | 'leave' | 'complete' | 'historyBack' | 'historyForward' | 'lineStart' | 'lineEnd' | 'clearLine' | 'deleteWordBefore' | 'cutToEnd' | 'deleteUnder';

/** What a key does while the targets filter is typed. */
export type FilterAction = 'cancel' | 'confirm';

/** What a key does in a tutorial's step pane. */
export type StepAction = 'runStep' | 'nextStep' | 'previousStep';

export interface KeyBinding {
  /** The keys, as the help overlay shows them. */
  keys: string;
  /** What they do, as the help overlay shows it. */
  action: string;
  /** Left out of the help on small screens, where the rest must fit (the step pane names n and p itself). */
  minor?: true;
  onScreen?(input: string, key: Key): ScreenAction | undefined;
  inPrompt?(input: string, key: Key): PromptAction | undefined;
  inFilter?(input: string, key: Key): FilterAction | undefined;
  inSteps?(input: string, key: Key): StepAction | undefined;
}

const ctrl = (letter: string) => (input: string, key: Key) => key.ctrl && input === letter;

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ':', action: 'command prompt', onScreen: (input) => (input.startsWith(':') ? 'openPrompt' : undefined) },
  {
    keys: 'Enter',
    action: 'run the line / step',
    inPrompt: (_, key) => (key.return ? 'submit' : undefined),
    inFilter: (_, key) => (key.return ? 'confirm' : undefined),
    inSteps: (_, key) => (key.return ? 'runStep' : undefined),
  },
  { keys: 'n p', action: 'next / previous step', minor: true, inSteps: (input) => (input === 'n' ? 'nextStep' : input === 'p' ? 'previousStep' : undefined) },
  {
    keys: 'Esc',
    action: 'leave prompt / close',
    inPrompt: (_, key) => (key.escape ? 'leave' : undefined),
    inFilter: (_, key) => (key.escape ? 'cancel' : undefined),
    onScreen: (_, key) => (key.escape ? 'closePane' : undefined),
  },
  {
    keys: '↑ ↓ j k',
    action: 'history / move',
    onScreen: (input, key) => (key.upArrow || input === 'k' ? 'up' : key.downArrow || input === 'j' ? 'down' : undefined),
    inPrompt: (_, key) => (key.upArrow ? 'historyBack' : key.downArrow ? 'historyForward' : undefined),
  },
  { keys: 'PgUp PgDn', action: 'a page up / down', onScreen: (_, key) => (key.pageUp ? 'pageUp' : key.pageDown ? 'pageDown' : undefined) },
  {
    keys: 'Home End',
    action: 'to the top / bottom',
    onScreen: (_, key) => (key.home ? 'top' : key.end ? 'bottom' : undefined),
    inPrompt: (_, key) => (key.home ? 'lineStart' : key.end ? 'lineEnd' : undefined),
  },
  {
    keys: 'Tab',
    action: 'complete / next panel',
    onScreen: (_, key) => (key.tab && !key.shift ? 'nextPanel' : undefined),
    inPrompt: (_, key) => (key.tab && !key.shift ? 'complete' : undefined),
  },
  { keys: 'Shift-Tab', action: 'previous panel', onScreen: (_, key) => (key.tab && key.shift ? 'previousPanel' : undefined) },
  { keys: '/', action: 'filter targets', onScreen: (input) => (input === '/' ? 'filter' : undefined) },
  { keys: 'c', action: 'capture a link', onScreen: (input) => (input === 'c' ? 'capture' : undefined) },
  { keys: 'r', action: 'refresh', onScreen: (input) => (input === 'r' ? 'refresh' : undefined) },
  { keys: 's', action: 'shell in the target', onScreen: (input) => (input === 's' ? 'shell' : undefined) },
  { keys: '?', action: 'help', onScreen: (input) => (input === '?' ? 'help' : undefined) },
  { keys: 'q  Ctrl-C', action: 'quit', onScreen: (input, key) => (input === 'q' || ctrl('c')(input, key) ? 'quit' : undefined) },
  {
    keys: 'Ctrl-A Ctrl-E',
    action: 'line start / end',
    inPrompt: (input, key) => (ctrl('a')(input, key) ? 'lineStart' : ctrl('e')(input, key) ? 'lineEnd' : undefined),
  },
  {
    keys: 'Ctrl-U Ctrl-W',
    action: 'clear / delete word',
    inPrompt: (input, key) => (ctrl('u')(input, key) ? 'clearLine' : ctrl('w')(input, key) ? 'deleteWordBefore' : undefined),
  },
  {
    keys: 'Ctrl-K Ctrl-D',
    action: 'cut to end / delete',
    minor: true,
    inPrompt: (input, key) => (ctrl('k')(input, key) ? 'cutToEnd' : ctrl('d')(input, key) ? 'deleteUnder' : undefined),
  },
];

/** The first binding's answer, in the table's order. */
function firstAction<A>(answer: (binding: KeyBinding) => A | undefined): A | undefined {
  for (const binding of KEY_BINDINGS) {
    const action = answer(binding);
    if (action) return action;
  }
  return undefined;
}

export const screenActionOf = (input: string, key: Key) => firstAction((b) => b.onScreen?.(input, key));
export const promptActionOf = (input: string, key: Key) => firstAction((b) => b.inPrompt?.(input, key));
export const filterActionOf = (input: string, key: Key) => firstAction((b) => b.inFilter?.(input, key));
export const stepActionOf = (input: string, key: Key) => firstAction((b) => b.inSteps?.(input, key));

/** The single keys that a burst typed fast (one read) may hold: each is handled in turn. */
export const BURST_KEYS = /^[?qr/jk\t]+$/;
