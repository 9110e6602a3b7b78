/**
 * The k9s-style command line at the bottom of the screen. It owns the edit
 * buffer and the cursor; the app owns focus and runs what is submitted.
 */
import { Box, Text, useInput, type Key } from 'ink';
import { useCallback, useRef, useState, useEffect } from 'react';
import { complete, type CompletionContext } from '../completion.js';
import type { CommandHistory } from '../history.js';
import { promptActionOf, type PromptAction } from '../keymap.js';
import { splitPaste } from '../../parse/prompt-line.js';

export interface PromptProps {
  /** Only a focused prompt reads keys. */
  focused: boolean;
  history: CommandHistory;
  completionContext: CompletionContext;
  /** Called once per line run: on Enter, and for each complete line of a paste. */
  /** Runs a line; a promise it returns says when the line is done. */
  onSubmit: (line: string) => Promise<unknown> | void;
  /** Called on Esc, and on Enter with an empty line. */
  onLeave: () => void;
  width: number;
  /**
   * Text that arrived in the same read as the key that opened the prompt
   * (`:ls` typed fast): inserted as if typed once the prompt has focus.
   */
  typeAhead?: string;
  onTypeAheadUsed?: () => void;
}

const PREFIX = ' : ';
const IDLE_HINT = ' : command   ? help   / filter   q quit';
const FOCUSED_HINT = 'Tab completes · ↑ history';

interface EditState {
  text: string;
  cursor: number;
  /** Completion matches to show (after a Tab with several). */
  candidates: string[];
}

const EMPTY: EditState = { text: '', cursor: 0, candidates: [] };
/** The longest a submitted line stays on screen while it runs. */
const CLEAR_AFTER_MS = 150;
const at = (text: string, cursor: number): EditState => ({ text, cursor, candidates: [] });

/** What a key did: the new line, lines to run, whether to leave the prompt. */
interface Outcome {
  state: EditState;
  submit?: string[];
  leave?: boolean;
}

export function Prompt({ focused, history, completionContext, onSubmit, onLeave, width, typeAhead, onTypeAheadUsed }: PromptProps) {
  const [state, setState] = useState(EMPTY);
  // several key events can arrive in one synchronous burst (a paste followed by
  // an arrow key), before React re-renders: the ref always holds the latest line
  const latest = useRef(state);

  const onInput = useCallback(
    (input: string, key: Key) => {
      const outcome = handleKey(latest.current, input, key, history, completionContext);
      latest.current = outcome.state;
      const running = (outcome.submit ?? []).map((line) => Promise.resolve(onSubmit(line)));
      if (running.length === 0) setState(outcome.state);
      else {
        // the submitted line stays on screen until it is done (or for CLEAR_AFTER_MS): a frame
        // drawn at once would hold up the command, and this way its result and the cleared
        // prompt are drawn together; keys typed meanwhile go to latest, and show then
        let shown = false;
        const show = () => {
          if (shown) return;
          shown = true;
          setState(latest.current);
        };
        setTimeout(show, CLEAR_AFTER_MS);
        void Promise.allSettled(running).then(show);
      }
      if (outcome.leave) onLeave();
    },
    [history, completionContext, onSubmit, onLeave],
  );
  useInput(onInput, { isActive: focused });
  useEffect(() => {
    if (!focused || !typeAhead) return;
    const outcome = insertTyped(latest.current, typeAhead, history);
    latest.current = outcome.state;
    setState(outcome.state);
    for (const line of outcome.submit ?? []) void onSubmit(line);
    onTypeAheadUsed?.();
    // only new type-ahead runs this: the callbacks are the app's, fresh every render
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focused, typeAhead]);

  if (!focused) {
    return (
      <Box width={width}>
        <Text dimColor wrap="truncate-end">
          {IDLE_HINT}
        </Text>
      </Box>
    );
  }
  return (
    <Box flexDirection="column" width={width}>
      <PromptLine state={state} width={width} />
      {state.candidates.length > 1 && (
        <Text dimColor wrap="truncate-end">
          {' '.repeat(PREFIX.length) + state.candidates.join('  ')}
        </Text>
      )}
    </Box>
  );
}

function PromptLine({ state, width }: { state: EditState; width: number }) {
  const { before, under, after } = visiblePart(state, Math.max(1, width - PREFIX.length));
  const used = PREFIX.length + before.length + 1 + after.length;
  const gap = width - used - FOCUSED_HINT.length - 1;
  return (
    <Text wrap="truncate-end">
      {PREFIX}
      {before}
      <Text inverse>{under}</Text>
      {after}
      {gap >= 3 && <Text dimColor>{' '.repeat(gap) + FOCUSED_HINT}</Text>}
    </Text>
  );
}

/** The slice of the line that fits in `room` cells with the cursor in view. */
function visiblePart({ text, cursor }: EditState, room: number): { before: string; under: string; after: string } {
  const start = Math.max(0, cursor - room + 1);
  const under = cursor < text.length ? String.fromCodePoint(text.codePointAt(cursor)!) : ' ';
  return {
    before: text.slice(start, cursor),
    under,
    after: text.slice(cursor + under.length, start + room),
  };
}

// ---- keys ----

function handleKey(s: EditState, input: string, key: Key, history: CommandHistory, ctx: CompletionContext): Outcome {
  const action = promptActionOf(input, key);
  if (action === 'leave') {
    history.reset();
    return { state: EMPTY, leave: true };
  }
  if (action === 'submit') return submit(s, history);
  if (action) return { state: EDITS[action](s, history, ctx) };
  // many terminals send \x7f for Backspace, which ink reports as delete
  if (key.backspace || key.delete) return { state: key.meta ? deleteWordBefore(s) : deleteBefore(s) };
  if (key.leftArrow) return { state: at(s.text, key.ctrl || key.meta ? wordStartBefore(s) : stepBack(s.text, s.cursor)) };
  if (key.rightArrow) return { state: at(s.text, key.ctrl || key.meta ? wordEndAfter(s) : stepForward(s.text, s.cursor)) };
  // Shift-Tab and unbound Ctrl or Alt keys do nothing here
  if (key.tab || key.ctrl || key.meta || input === '') return { state: s };
  // the key that opens the prompt, typed again at an empty one (a habit from vim), is not part of the line: no verb starts with it
  const typed = s.text === '' ? input.replace(/^:+/, '') : input;
  return typed === '' ? { state: s } : insertTyped(s, typed, history);
}

/** The keymap's line edits (keymap.ts): each makes the new line from the old. */
const EDITS: Record<Exclude<PromptAction, 'leave' | 'submit'>, (s: EditState, history: CommandHistory, ctx: CompletionContext) => EditState> = {
  complete: (s, _history, ctx) => completeAt(s, ctx),
  historyBack: (s, history) => recall(s, history.previous(s.text)),
  historyForward: (s, history) => recall(s, history.next()),
  lineStart: (s) => at(s.text, 0),
  lineEnd: (s) => at(s.text, s.text.length),
  clearLine: () => EMPTY,
  deleteWordBefore,
  cutToEnd: (s) => at(s.text.slice(0, s.cursor), s.cursor),
  deleteUnder: (s) => at(s.text.slice(0, s.cursor) + s.text.slice(stepForward(s.text, s.cursor)), s.cursor),
};

function submit(s: EditState, history: CommandHistory): Outcome {
  if (s.text.trim() === '') return { state: EMPTY, leave: true };
  history.add(s.text);
  return { state: EMPTY, submit: [s.text] };
}

/**
 * Inserts typed or pasted text at the cursor. Each line end in it runs the
 * line so far, as Enter would (the first one with what followed the cursor).
 * ink hands over fast typing as one string, Backspaces included: those still
 * erase.
 */
function insertTyped(s: EditState, input: string, history: CommandHistory): Outcome {
  const [first = '', ...afterBackspaces] = input.split(/[\b\x7f]/);
  let outcome = insertText(s, first, history);
  const submit = [...(outcome.submit ?? [])];
  for (const piece of afterBackspaces) {
    outcome = insertText(deleteBefore(outcome.state), piece, history);
    submit.push(...(outcome.submit ?? []));
  }
  return { state: outcome.state, submit };
}

function insertText(s: EditState, text: string, history: CommandHistory): Outcome {
  const clean = text.replace(/\t/g, ' ').replace(/[\x00-\x09\x0b\x0c\x0e-\x1f\x7f]/g, '');
  const after = s.text.slice(s.cursor);
  const { lines, rest } = splitPaste(s.text.slice(0, s.cursor) + clean);
  if (lines.length === 0) return { state: at(rest + after, rest.length) };
  const run = [lines[0] + after, ...lines.slice(1)].filter((line) => line.trim() !== '');
  for (const line of run) history.add(line);
  return { state: at(rest, rest.length), submit: run };
}

function completeAt(s: EditState, ctx: CompletionContext): EditState {
  const { line, cursor, candidates } = complete(s.text, s.cursor, ctx);
  return { text: line, cursor, candidates };
}

function recall(s: EditState, line: string | undefined): EditState {
  return line === undefined ? s : at(line, line.length);
}

function deleteBefore(s: EditState): EditState {
  const from = stepBack(s.text, s.cursor);
  return at(s.text.slice(0, from) + s.text.slice(s.cursor), from);
}

/** Ctrl-W: the whitespace-separated word before the cursor, and the spaces after it. */
function deleteWordBefore(s: EditState): EditState {
  const from = wordStartBefore(s);
  return at(s.text.slice(0, from) + s.text.slice(s.cursor), from);
}

function wordStartBefore({ text, cursor }: EditState): number {
  let i = cursor;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && text[i - 1] !== ' ') i--;
  return i;
}

function wordEndAfter({ text, cursor }: EditState): number {
  let i = cursor;
  while (i < text.length && text[i] === ' ') i++;
  while (i < text.length && text[i] !== ' ') i++;
  return i;
}

// a character outside the BMP is two UTF-16 units: never stop between them
function stepBack(text: string, i: number): number {
  if (i <= 0) return 0;
  return i >= 2 && isLowSurrogate(text, i - 1) && isHighSurrogate(text, i - 2) ? i - 2 : i - 1;
}

function stepForward(text: string, i: number): number {
  if (i >= text.length) return text.length;
  return isHighSurrogate(text, i) && isLowSurrogate(text, i + 1) ? i + 2 : i + 1;
}

const isHighSurrogate = (text: string, i: number) => /[\uD800-\uDBFF]/.test(text[i] ?? '');
const isLowSurrogate = (text: string, i: number) => /[\uDC00-\uDFFF]/.test(text[i] ?? '');
