import React from 'react';
import { Box, Text } from 'ink';
import type { TargetState, Topology } from '../topology/model.js';
import { assignedAddresses } from '../topology/ip-json.js';
import type { LogEntry, TargetDetails, Watch } from './session.js';

/** A bordered panel with a title on its first line; content is clipped to fit. */
export function Panel(props: { title: string; width: number; height: number; focused: boolean; children?: React.ReactNode }) {
  return (
    <Box flexDirection="column" width={props.width} height={props.height} borderStyle="round"
      borderColor={props.focused ? 'cyan' : 'gray'} overflow="hidden">
      <Text bold color={props.focused ? 'cyan' : undefined} wrap="truncate">{props.title}</Text>
      {props.children}
    </Box>
  );
}

const clip = (text: string, width: number): string => (text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text);

export function visibleTargets(topology: Topology | undefined, filter: string): TargetState[] {
  const all = topology?.targets ?? [];
  const shown = all.filter((t) => t.ns.kind !== 'host').concat(all.filter((t) => t.ns.kind === 'host'));
  return filter ? shown.filter((t) => t.ns.label.includes(filter)) : shown;
}

export function TargetsPanel(props: {
  targets: TargetState[]; selected?: string; filter: string; filtering: boolean;
  width: number; height: number; focused: boolean;
}) {
  const inner = props.width - 4;
  // fixed columns: kind (6), pid or state (only as wide as needed), interface count (2)
  const whereOf = (t: TargetState) => (t.ns.kind === 'docker' && t.status !== 'running' ? t.status : t.ns.pid ? String(t.ns.pid) : '');
  const whereWidth = Math.max(0, ...props.targets.map((t) => whereOf(t).length));
  const nameWidth = Math.max(6, inner - 12 - (whereWidth ? whereWidth + 1 : 0));
  const rows = props.height - 3;
  const index = Math.max(0, props.targets.findIndex((t) => t.ns.label === props.selected));
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
        const name = clip(t.ns.label, nameWidth).padEnd(nameWidth);
        const whereCell = whereWidth ? ` ${where.padStart(whereWidth)}` : '';
        const line = `${mark} ${name} ${(t.ns.kind === 'docker' ? 'docker' : t.ns.kind).padEnd(6)}${whereCell} ${stopped ? '' : String(ifs).padStart(2)}`;
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

export function DetailPanel(props: {
  target?: TargetState; details?: TargetDetails; peers: Map<string, string>;
  width: number; height: number; focused: boolean; scroll: number;
}) {
  const inner = props.width - 4;
  const lines: Array<{ text: string; dim?: boolean; bold?: boolean }> = [];
  const t = props.target;
  if (!t) lines.push({ text: 'select a target', dim: true });
  else {
    if (t.error) lines.push({ text: t.error, dim: true });
    for (const i of t.interfaces) {
      const state = i.state === 'UNKNOWN' && i.adminUp ? 'UP' : i.state;
      const peer = props.peers.get(`${t.ns.label}:${i.name}`);
      lines.push({ text: `${i.name.padEnd(9)} ${state.padEnd(5)} ${assignedAddresses(i).join(' ') || '-'}${peer ? `  ↔ ${peer}` : ''}` });
    }
    const d = props.details;
    if (d?.error) lines.push({ text: d.error, dim: true });
    for (const family of [4, 6] as const) {
      const routes = d?.routes.filter((r) => r.family === family) ?? [];
      if (!routes.length) continue;
      lines.push({ text: `routes (ipv${family})`, bold: true });
      for (const r of routes) {
        lines.push({ text: ` ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.protocol === 'kernel' ? ' proto kernel' : ''}${r.scope && r.scope !== 'global' ? ` scope ${r.scope}` : ''}` });
      }
    }
    if (d?.forwarding) {
      lines.push({ text: `forwarding ${d.forwarding.ipv4 ? 'on' : 'off'}${d.forwarding.ipv6 !== d.forwarding.ipv4 ? ` (ipv6 ${d.forwarding.ipv6 ? 'on' : 'off'})` : ''} · firewall rules ${d.firewallRules ?? '?'}` });
    }
  }
  const rows = props.height - 3;
  const start = Math.min(props.scroll, Math.max(0, lines.length - rows));
  return (
    <Panel title={t ? `${t.ns.label} (${t.ns.kind}${t.ns.pid ? ` pid ${t.ns.pid}` : ''})` : 'details'} width={props.width} height={props.height} focused={props.focused}>
      {lines.slice(start, start + rows).map((l, i) => (
        <Text key={i} dimColor={l.dim} bold={l.bold} wrap="truncate">{clip(l.text, inner)}</Text>
      ))}
    </Panel>
  );
}

const time = (d: Date) => d.toTimeString().slice(0, 8);

export function LogPanel(props: { log: LogEntry[]; width: number; height: number; focused: boolean; scrollBack: number }) {
  const inner = props.width - 4;
  const rows = props.height - 3;
  const end = Math.max(0, props.log.length - props.scrollBack);
  const shown = props.log.slice(Math.max(0, end - rows), end);
  return (
    <Panel title={props.scrollBack ? `log (↑ ${props.scrollBack})` : 'log'} width={props.width} height={props.height} focused={props.focused}>
      {shown.map((e, i) => (
        <Text key={i} color={e.tone === 'ok' ? 'green' : e.tone === 'bad' ? 'red' : undefined} dimColor={e.tone === 'info'} wrap="truncate">
          {clip(`${time(e.at)} ${e.tone === 'ok' ? '✓' : e.tone === 'bad' ? '✗' : ' '} ${e.text}`, inner)}
        </Text>
      ))}
    </Panel>
  );
}

export function WatchLines(props: { watches: Watch[]; width: number }) {
  return (
    <>
      {props.watches.map((w) => (
        <Text key={w.id} color={w.ok === undefined ? undefined : w.ok ? 'green' : 'red'} wrap="truncate">
          {clip(`${w.ok === undefined ? '…' : w.ok ? '✓' : '✗'} watch ${w.id} ${w.kind} ${w.target} → ${w.destination}  ${w.detail ?? 'checking'}${w.changedAt ? `  since ${time(w.changedAt)}` : ''}`, props.width)}
        </Text>
      ))}
    </>
  );
}
