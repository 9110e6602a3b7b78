import React from 'react';
import { Box, Text } from 'ink';
import type { TargetState, Topology } from '../../topology/model.js';
import { assignedAddresses } from '../../topology/ip-json.js';
import { filterShows } from '../session/selection.js';
import type { FirewallDropState, LogEntry, TargetDetails, Watch } from '../session/store.js';
import { huesWanted } from '../../sys/colour.js';
import { columns, fitColumns, padColumns, pieceColumns } from '../../render/columns.js';

/**
 * Whether the UI colours anything: as the CLI's output (sys/colour.ts).
 * Styles that are not colour (bold, dim, inverse) stay: the prompt's cursor
 * is drawn inverse.
 */
export function coloursWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return huesWanted(env);
}

/** The colour, or none when colours are off. */
export function tint<C extends string>(color: C | undefined): C | undefined {
  return coloursWanted() ? color : undefined;
}

/** The focused panel's border has heavy lines along its top and bottom, a cue that reads without colour. */
const FOCUSED_BORDER = {
  topLeft: '╭',
  top: '━',
  topRight: '╮',
  left: '│',
  right: '│',
  bottomLeft: '╰',
  bottom: '━',
  bottomRight: '╯',
};

/**
 * A bordered panel with a title on its first line; content taller than the
 * panel is cut at the bottom. Not sideways: that makes Ink slice every line
 * of every frame again (a fifth to a third of a 160x50 frame), so every row put
 * in a panel must already fit its width in columns (columns.ts: a CJK name
 * or an emoji takes two, and Ink's own truncation lets such a character
 * straddle the border).
 */
export function Panel(props: { title: string; width: number; height: number; focused: boolean; children?: React.ReactNode }) {
  return (
    <Box
      flexDirection="column"
      width={props.width}
      height={props.height}
      borderStyle={props.focused ? FOCUSED_BORDER : 'round'}
      borderColor={tint(props.focused ? 'cyan' : 'gray')}
      overflowY="hidden"
    >
      {/* content taller than the panel is cut at the bottom; the title always shows */}
      <Box flexShrink={0}>
        <Text bold color={tint(props.focused ? 'cyan' : undefined)} wrap="truncate">
          {fitColumns(props.title, props.width - 2)}
        </Text>
      </Box>
      {props.children}
    </Box>
  );
}

/** One row of at most `width` columns: line breaks in the text (an error's message) become spaces. */
const clip = (text: string, width: number): string => fitColumns(text.replace(/\s*\n\s*/g, ' '), width);

export function visibleTargets(topology: Topology | undefined, filter: string): TargetState[] {
  const all = topology?.targets ?? [];
  const shown = all.filter((t) => t.ns.kind !== 'host').concat(all.filter((t) => t.ns.kind === 'host'));
  return filter ? shown.filter((t) => filterShows(filter, t.ns.label)) : shown;
}

export function TargetsPanel(props: { targets: TargetState[]; selected?: string; filter: string; filtering: boolean; width: number; height: number; focused: boolean }) {
  const inner = props.width - 4;
  // fixed columns: kind (6), pid or state (only as wide as needed), interface count (2); in a
  // narrow panel (an 80-column terminal) the name comes first: the kind shrinks to its letter
  // and the pid or state goes (the details panel and the dimming still say them)
  const compact = inner < 32;
  const kindWidth = compact ? 1 : 6;
  const whereOf = (t: TargetState) => (compact ? '' : t.ns.kind === 'docker' && t.status !== 'running' ? t.status : t.ns.pid ? String(t.ns.pid) : '');
  const whereWidth = Math.max(0, ...props.targets.map((t) => whereOf(t).length));
  const nameWidth = Math.max(6, inner - 6 - kindWidth - (whereWidth ? whereWidth + 1 : 0));
  const rows = props.height - 3;
  const index = Math.max(
    0,
    props.targets.findIndex((t) => t.ns.label === props.selected),
  );
  const start = Math.max(0, Math.min(index - Math.floor(rows / 2), props.targets.length - rows));
  const title = props.filtering || props.filter ? `targets /${props.filter}${props.filtering ? '█' : ''}` : `targets (${props.targets.length})`;
  return (
    <Panel title={title} width={props.width} height={props.height} focused={props.focused}>
      {props.targets.slice(start, start + rows).map((t) => {
        const stopped = t.ns.kind === 'docker' && t.status !== 'running';
        const where = whereOf(t);
        const ifs = t.interfaces.filter((i) => i.kind !== 'loopback').length;
        const mark = t.ns.label === props.selected ? '▸' : ' ';
        // the name takes what the fixed columns (kind, pid or state, interface count) leave
        const name = padColumns(clip(t.ns.label, nameWidth), nameWidth);
        const whereCell = whereWidth ? ` ${where.padStart(whereWidth)}` : '';
        const kind = t.ns.kind === 'docker' ? 'docker' : t.ns.kind;
        const line = `${mark} ${name} ${(compact ? kind[0]! : kind).padEnd(kindWidth)}${whereCell} ${stopped ? '' : String(ifs).padStart(2)}`;
        return (
          <Text key={t.ns.label} dimColor={stopped} inverse={t.ns.label === props.selected && props.focused} wrap="truncate">
            {clip(line, inner)}
          </Text>
        );
      })}
      {props.targets.length === 0 && <Text dimColor>{props.filter ? 'no target matches' : 'no containers or namespaces yet'}</Text>}
    </Panel>
  );
}

export interface DetailLine {
  text: string;
  dim?: boolean;
  bold?: boolean;
}

/** The detail panel's lines for a target: its interfaces, routes, forwarding. */
export function detailLines(t: TargetState | undefined, d: TargetDetails | undefined, peers: ReadonlyMap<string, string>, drops?: FirewallDropState): DetailLine[] {
  const lines: DetailLine[] = [];
  if (!t) return [{ text: 'select a target', dim: true }];
  if (t.error) lines.push({ text: t.error, dim: true });
  for (const i of t.interfaces) {
    const state = i.state === 'UNKNOWN' && i.adminUp ? 'UP' : i.state;
    const peer = peers.get(`${t.ns.label}:${i.name}`);
    lines.push({ text: `${i.name.padEnd(9)} ${state.padEnd(5)} ${assignedAddresses(i).join(' ') || '-'}${peer ? `  ↔ ${peer}` : ''}` });
  }
  if (d?.error) lines.push({ text: d.error, dim: true });
  for (const family of [4, 6] as const) {
    const routes = d?.routes.filter((r) => r.family === family) ?? [];
    if (!routes.length) continue;
    lines.push({ text: `routes (ipv${family})`, bold: true });
    for (const r of routes) {
      lines.push({
        text: ` ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.protocol === 'kernel' ? ' proto kernel' : ''}${r.scope && r.scope !== 'global' ? ` scope ${r.scope}` : ''}`,
      });
    }
  }
  if (d?.forwarding) {
    lines.push({
      text: `forwarding ${d.forwarding.ipv4 ? 'on' : 'off'}${d.forwarding.ipv6 !== d.forwarding.ipv4 ? ` (ipv6 ${d.forwarding.ipv6 ? 'on' : 'off'})` : ''} · firewall rules ${d.firewallRules ?? '?'}`,
    });
  }
  if (drops) lines.push({ text: `dropped ${drops.dropped} packet${drops.dropped === 1 ? '' : 's'} (FORWARD, iptables${drops.backend ? ` ${drops.backend}` : ''})` });
  return lines;
}

/** How far a bordered panel of `height` rows can scroll: its rows past what fits (the border and title take 3). */
export const panelScrollLimit = (rows: number, height: number) => Math.max(0, rows - (height - 3));

export function DetailPanel(props: { target?: TargetState; lines: readonly DetailLine[]; width: number; height: number; focused: boolean; scroll: number }) {
  const inner = props.width - 4;
  const t = props.target;
  const rows = props.height - 3;
  const start = Math.min(props.scroll, panelScrollLimit(props.lines.length, props.height));
  return (
    <Panel title={t ? `${t.ns.label} (${t.ns.kind}${t.ns.pid ? ` pid ${t.ns.pid}` : ''})` : 'details'} width={props.width} height={props.height} focused={props.focused}>
      {props.lines.slice(start, start + rows).map((l, i) => (
        <Text key={i} dimColor={l.dim} bold={l.bold} wrap="truncate">
          {clip(l.text, inner)}
        </Text>
      ))}
    </Panel>
  );
}

const time = (d: Date) => d.toTimeString().slice(0, 8);

/** Continuation rows start under the entry's text (after its time and mark) when that leaves room enough. */
const LOG_PREFIX = 11;
const MIN_TEXT_WIDTH = 20;

export interface LogRow {
  text: string;
  tone: LogEntry['tone'];
  /** Cut short: the whole of it shows once the log has focus. */
  cut?: boolean;
}

/**
 * Pure: a log entry as rows of at most `width` characters. With `whole`,
 * each line of its text starts a row and wraps at spaces (a word longer than
 * a row is cut into pieces); without, the entry is one row, cut with "…".
 */
export function logEntryRows(e: LogEntry, width: number, whole = true): LogRow[] {
  const mark = e.tone === 'ok' ? '✓' : e.tone === 'bad' ? '✗' : ' ';
  const room = Math.max(1, width);
  const indent = ' '.repeat(width - LOG_PREFIX >= MIN_TEXT_WIDTH ? LOG_PREFIX : 2);
  const [first = '', ...more] = e.text.split(/\r?\n/);
  if (!whole) {
    const row = `${time(e.at)} ${mark} ${[first, ...more.map((line) => line.trim())].join(' ')}`.trimEnd();
    return [columns(row) > room || more.length ? { text: clip(row, room), tone: e.tone, cut: true } : { text: row, tone: e.tone }];
  }
  const lines = [`${time(e.at)} ${mark} ${first}`, ...more.map((line) => indent + line)].map((line) => line.trimEnd());
  return lines.flatMap((line) => wrapRow(line, room, indent)).map((text) => ({ text, tone: e.tone }));
}

/** text as rows of at most `width` columns, broken at a space where one is not too far back. */
function wrapRow(text: string, width: number, indent: string): string[] {
  const rows: string[] = [];
  let rest = text;
  for (;;) {
    const lead = rows.length ? indent : '';
    const room = Math.max(1, width - lead.length);
    if (columns(rest) <= room) {
      rows.push(lead + rest);
      return rows;
    }
    // where `room` columns end, as an index (a character wider than the whole room still goes in whole)
    const fits = pieceColumns(rest, room).length;
    const space = rest.lastIndexOf(' ', fits);
    // a break inside the row's leading blanks would leave it empty
    const cut = space > fits / 3 && rest.slice(0, space).trim() !== '' ? space : fits;
    rows.push(lead + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
    if (rest === '') return rows;
  }
}

/**
 * Pure: every row of the log, oldest first. What a command did and its
 * errors (✓ and ✗ entries) show whole, wrapped; the rest (a command's
 * output, a usage) is cut to a row an entry unless `whole` (the log has
 * focus), so that an error stays in view above the usage that follows it.
 */
export function logRows(log: readonly LogEntry[], width: number, whole = false): LogRow[] {
  return log.flatMap((entry) => logEntryRows(entry, width, whole || entry.tone !== 'info'));
}

/** The log panel: `rows` (logRows), the newest at the bottom unless scrolled back by `scrollBack` rows. */
export function LogPanel(props: { rows: readonly LogRow[]; width: number; height: number; focused: boolean; scrollBack: number }) {
  const back = Math.min(props.scrollBack, panelScrollLimit(props.rows.length, props.height));
  const end = props.rows.length - back;
  const shown = props.rows.slice(Math.max(0, end - (props.height - 3)), end);
  const hint = !props.focused && shown.some((r) => r.cut) ? ' · Tab here: whole lines' : '';
  return (
    <Panel title={`log${back ? ` (↑ ${back} rows)` : ''}${hint}`} width={props.width} height={props.height} focused={props.focused}>
      {shown.map((r, i) => (
        <Text key={i} color={tint(r.tone === 'ok' ? 'green' : r.tone === 'bad' ? 'red' : undefined)} dimColor={r.tone === 'info'} wrap="truncate">
          {r.text}
        </Text>
      ))}
    </Panel>
  );
}

export function WatchLines(props: { watches: Watch[]; width: number }) {
  return (
    <>
      {props.watches.map((w) => (
        <Text key={w.id} color={tint(w.ok === undefined ? undefined : w.ok ? 'green' : 'red')} wrap="truncate">
          {clip(
            `${w.ok === undefined ? '…' : w.ok ? '✓' : '✗'} watch ${w.id} ${w.kind} ${w.target} → ${w.destination}  ${w.detail ?? 'checking'}${w.changedAt ? `  since ${time(w.changedAt)}` : ''}`,
            props.width,
          )}
        </Text>
      ))}
    </>
  );
}
