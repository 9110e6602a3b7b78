/**
 * The keys of the screen outside the prompt, looked up in the keymap: which
 * panel has the focus, the targets filter being typed, the help overlay,
 * and what arrives for the prompt in the same read as the key that opens it.
 */
import { useState } from 'react';
import { useInput, type Key } from 'ink';
import { BURST_KEYS, filterActionOf, screenActionOf, type ScreenAction } from '../keymap.js';
import { useLatestState } from './use-latest-state.js';

export type Focus = 'targets' | 'chain' | 'details' | 'log';
const FOCUS_ORDER: Focus[] = ['targets', 'chain', 'details', 'log'];

/** The keymap's actions that move within the focused panel. */
export type MoveAction = Extract<ScreenAction, 'up' | 'down' | 'pageUp' | 'pageDown' | 'top' | 'bottom'>;
const MOVES: readonly ScreenAction[] = ['up', 'down', 'pageUp', 'pageDown', 'top', 'bottom'];

export interface ScreenKeyOptions {
  quit: () => void;
  refresh: () => void;
  /** A shell in the selected target, on the terminal the UI hands over until it exits. */
  openShell: () => void;
  move: (focus: Focus, action: MoveAction) => void;
  /** `c`: a capture on the selected target's first link. */
  capture: () => void;
  /** Esc outside the prompt and the filter: closes the capture pane. */
  closePane: () => void;
}

export interface ScreenModes {
  focus: Focus;
  prompting: boolean;
  filtering: boolean;
  filter: string;
  /** The filter as the keys of this read left it (a burst's later keys build on its earlier ones). */
  filterNow: () => string;
  help: boolean;
  /** Text typed in the read that opened the prompt, for the prompt to take. */
  typeAhead: string;
  openHelp: () => void;
  leavePrompt: () => void;
  typeAheadUsed: () => void;
}

export function useScreenKeys({ quit, refresh, openShell, move, capture, closePane }: ScreenKeyOptions): ScreenModes {
  const [focus, setFocus, focusRef] = useLatestState<Focus>('targets');
  const [prompting, setPrompting, promptingRef] = useLatestState(false);
  const [filtering, setFiltering, filteringRef] = useLatestState(false);
  const [filter, setFilter, filterRef] = useLatestState('');
  const [help, setHelp, helpRef] = useLatestState(false);
  const [typeAhead, setTypeAhead] = useState('');

  const typeFilter = (input: string, key: Key) => {
    const action = filterActionOf(input, key);
    if (action === 'cancel') {
      setFilter('');
      setFiltering(false);
      return;
    }
    if (action === 'confirm') {
      setFiltering(false);
      return;
    }
    if (key.backspace || key.delete) {
      setFilter((f) => f.slice(0, -1));
      return;
    }
    if (key.ctrl || key.meta) return;
    // typed fast or pasted, text and Enter arrive in one read
    const end = input.search(/[\r\n]/);
    const typed = (end < 0 ? input : input.slice(0, end)).replace(/[\x00-\x1f\x7f]/g, '');
    setFilter((f) => f + typed);
    if (end >= 0) setFiltering(false);
  };

  const act = (action: ScreenAction, input: string) => {
    switch (action) {
      case 'openPrompt':
        if (input.length > 1) setTypeAhead(input.slice(1));
        setPrompting(true);
        return;
      case 'help':
        setHelp(true);
        return;
      case 'quit':
        quit();
        return;
      case 'filter':
        setFiltering(true);
        setFocus('targets');
        return;
      case 'refresh':
        refresh();
        return;
      case 'capture':
        capture();
        return;
      case 'closePane':
        closePane();
        return;
      case 'shell':
        openShell();
        return;
      case 'nextPanel':
      case 'previousPanel': {
        const i = FOCUS_ORDER.indexOf(focusRef.current);
        const step = action === 'nextPanel' ? 1 : FOCUS_ORDER.length - 1;
        setFocus(FOCUS_ORDER[(i + step) % FOCUS_ORDER.length]!);
        return;
      }
      default:
        if (MOVES.includes(action)) move(focusRef.current, action);
    }
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
    if (filteringRef.current) return typeFilter(input, key);
    const action = screenActionOf(input, key);
    if (action) act(action, input);
  };

  // Ctrl-C quits from anywhere, the prompt included
  useInput((input, key) => {
    if (key.ctrl && input === 'c') quit();
  });

  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') return;
      // a burst of single-key commands typed fast (Tabs included) arrives as one string: each key counts
      if (input.length > 1 && !key.ctrl && !key.meta && BURST_KEYS.test(input)) {
        for (const ch of input) onKey(ch, { ...key, tab: ch === '\t' });
        return;
      }
      onKey(input, key);
    },
    { isActive: !prompting },
  );

  return {
    focus,
    prompting,
    filtering,
    filter,
    help,
    typeAhead,
    filterNow: () => filterRef.current,
    openHelp: () => setHelp(true),
    leavePrompt: () => setPrompting(false),
    typeAheadUsed: () => setTypeAhead(''),
  };
}
