import { useSyncExternalStore } from 'react';
import { Text, useInput } from 'ink';
import { stepActionOf } from '../keymap.js';
import { Panel, tint } from './panels.js';
import type { Tutorial } from '../../tutorial/model.js';
import type { PlayerState, TutorialPlayer } from '../../tutorial/player.js';
import { describeCheck, type Progress } from '../../tutorial/runner.js';
import { wrapText } from '../../tutorial/text.js';
import { fitColumns, headColumns } from '../../render/columns.js';

export interface PaneRow {
  text: string;
  color?: 'green' | 'red' | 'yellow' | 'cyan';
  dim?: boolean;
  bold?: boolean;
}

const MARK: Record<Progress, string> = { pending: ' ', running: '…', ok: '✓', failed: '✗' };
const COLOR: Partial<Record<Progress, PaneRow['color']>> = { ok: 'green', failed: 'red', running: 'yellow' };

/** The pane's title: which tutorial, which step, whether it plays by itself. */
export function stepPaneTitle(tutorial: Tutorial, state: PlayerState): string {
  const auto = state.auto === 'playing' ? ' · playing' : state.auto === 'done' ? ' · played' : '';
  return `tutorial ${tutorial.name} · step ${state.current + 1}/${tutorial.steps.length}${auto}`;
}

/**
 * Pure: the rows of the step pane, at most `rows` of at most `width` cells.
 * The step's title, commands, check and the key hint always show; its text
 * takes the room left (cut with … if it must), and what each command printed
 * fills any room after that.
 */
export function stepPaneRows(tutorial: Tutorial, state: PlayerState, width: number, rows: number): PaneRow[] {
  const index = state.current;
  const step = tutorial.steps[index]!;
  const outcome = state.outcomes[index];
  const title: PaneRow = outcome
    ? { text: `${MARK[outcome.state]} ${step.title}`, bold: true, ...(COLOR[outcome.state] ? { color: COLOR[outcome.state]! } : {}) }
    : { text: step.title, bold: true };
  const commands = step.run.map((line, i) => {
    const l = outcome?.lines[i];
    const state = l?.state ?? 'pending';
    return { row: { text: `${MARK[state]} $ ${line}`, ...(COLOR[state] ? { color: COLOR[state] } : {}) }, output: l?.lines.find((x) => x.trim()) };
  });
  let check: PaneRow | undefined;
  let checkDetail: string | undefined;
  if (step.check) {
    const c = outcome?.check;
    const state = c?.state ?? 'pending';
    const attempt = c?.state === 'running' && c.attempts > 0 ? ` (try ${c.attempts + 1})` : '';
    if (c?.detail && (state === 'ok' || state === 'failed')) checkDetail = c.detail;
    check = { text: `${MARK[state]} check: ${c?.description ?? describeCheck(step.check)}${attempt}`, ...(COLOR[state] ? { color: COLOR[state] } : { dim: true }) };
  }
  const hint = hintOf(tutorial, state);

  const fixed = 1 + commands.length + (check ? 1 : 0) + 1;
  let room = Math.max(0, rows - fixed);
  const stepText = wrapText(step.text, width);
  const intro = index === 0 && !outcome && tutorial.intro ? [...wrapText(tutorial.intro, width), ''] : [];
  let text = intro.length + stepText.length + 1 <= room ? [...intro, ...stepText] : stepText;
  if (text.length > room) text = room > 0 ? [...text.slice(0, room - 1), `${headColumns(text[room - 1] ?? '', width - 1)}…`] : [];
  room -= text.length;
  const gap = room > 0 && text.length > 0 && (commands.length > 0 || check);
  if (gap) room--;
  // what the check saw comes before what the commands printed
  const detail: PaneRow[] = checkDetail && room > 0 ? [{ text: `    ${checkDetail}`, dim: true }] : [];
  room -= detail.length;

  const body: PaneRow[] = [];
  for (const { row, output } of commands) {
    body.push(row);
    if (output && room > 0) {
      body.push({ text: `    ${output.replace(/^[✓✗] /, '')}`, dim: true });
      room--;
    }
  }
  const all: PaneRow[] = [title, ...text.map((t) => ({ text: t })), ...(gap ? [{ text: '' }] : []), ...body, ...(check ? [check] : []), ...detail, hint];
  // the pane's panel does not clip sideways: each row is cut to the width in columns
  return all.slice(0, Math.max(0, rows)).map((r) => ({ ...r, text: fitColumns(r.text, width) }));
}

function hintOf(tutorial: Tutorial, state: PlayerState): PaneRow {
  const last = state.current === tutorial.steps.length - 1;
  const outcome = state.outcomes[state.current];
  if (state.auto === 'playing') return { text: state.running ? 'running… (playing every step; q quits)' : 'playing every step; q quits', dim: true };
  if (state.running) return { text: 'running…', color: 'yellow' };
  const ranAll = state.outcomes.every((o) => o !== undefined);
  if (last && outcome?.state === 'ok') {
    const failed = state.outcomes.filter((o) => o?.state === 'failed').length;
    return { text: ranAll && failed === 0 ? 'the end: every step passed · p previous · q quit (cleans up)' : 'the end · p previous · q quit (cleans up)', color: 'cyan' };
  }
  if (outcome?.state === 'ok') return { text: 'Enter/n next step · p previous · : command · q quit', dim: true };
  if (outcome?.state === 'failed') return { text: 'Enter runs it again · n next · p previous · : command · q quit', dim: true };
  return { text: 'Enter runs this step · n next · p previous · : command · q quit', dim: true };
}

/**
 * The tutorial's step pane (in place of the log): the step shown, the
 * commands it runs and its check, marked as they run. Enter runs the step
 * (or moves on once it passed), n and p move; keys are read only while
 * `active` (not while the prompt or the filter has them).
 */
export function StepPane(props: { player: TutorialPlayer; width: number; height: number; active: boolean; focused: boolean }) {
  const { player } = props;
  const state = useSyncExternalStore(
    (l) => player.subscribe(l),
    () => player.state,
  );
  useInput(
    (input, key) => {
      const action = stepActionOf(input, key);
      if (action === 'runStep') player.enter();
      else if (action === 'nextStep') player.next();
      else if (action === 'previousStep') player.previous();
    },
    { isActive: props.active },
  );
  const inner = Math.max(1, props.width - 3);
  const rows = stepPaneRows(player.tutorial, state, inner, props.height - 3);
  return (
    <Panel title={stepPaneTitle(player.tutorial, state)} width={props.width} height={props.height} focused={props.focused}>
      {rows.map((r, i) => (
        <Text key={i} color={tint(r.color)} dimColor={r.dim} bold={r.bold} wrap="truncate">
          {r.text || ' '}
        </Text>
      ))}
    </Panel>
  );
}
