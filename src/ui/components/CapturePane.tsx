/**
 * The capture pane, in the log's place while a capture is open: tcpdump's
 * newest summary lines under a title that says what is captured, whether
 * tcpdump still runs, and that Esc closes it.
 */
import { Text } from 'ink';
import { fitColumns } from '../../render/columns.js';
import type { CaptureView } from '../session/store.js';
import { Panel, tint } from './panels.js';

/** Pure: the pane's title. */
export function captureTitle(view: CaptureView): string {
  const state = view.state === 'starting' ? 'starting…' : view.state === 'running' ? 'running' : view.state === 'ended' ? 'ended' : 'failed';
  return `capture ${view.title} · ${state} · Esc closes`;
}

/** Pure: the rows shown: the newest lines that fit (the panel's border and title take three rows), each cut to the width. */
export function captureRows(view: CaptureView, width: number, height: number): string[] {
  const room = Math.max(0, height - 3);
  const lines = view.state === 'failed' && view.message ? [...view.lines, `✗ ${view.message}`] : view.lines;
  const shown = lines.length ? lines.slice(-room) : [view.state === 'running' || view.state === 'starting' ? 'waiting for packets…' : 'no packets'];
  return shown.slice(0, room).map((l) => fitColumns(l.replace(/[\x00-\x1f\x7f]/g, ' '), width - 4));
}

export function CapturePane(props: { view: CaptureView; width: number; height: number }) {
  const rows = captureRows(props.view, props.width, props.height);
  return (
    <Panel title={captureTitle(props.view)} width={props.width} height={props.height} focused={true}>
      {rows.map((r, i) => (
        <Text key={i} color={tint(r.startsWith('✗ ') ? 'red' : undefined)} dimColor={r === 'waiting for packets…' || r === 'no packets'} wrap="truncate">
          {r}
        </Text>
      ))}
    </Panel>
  );
}
