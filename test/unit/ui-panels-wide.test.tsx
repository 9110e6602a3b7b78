import React from 'react';
import { Box } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import type { ChainHop, ChainNode } from '../../src/render/chain-model.js';
import type { TargetState } from '../../src/topology/model.js';
import { ChainView } from '../../src/ui/components/ChainView.js';
import { columns } from '../../src/render/columns.js';
import { DetailPanel, LogPanel, logRows, Panel, TargetsPanel, WatchLines } from '../../src/ui/components/panels.js';
import { stepPaneRows } from '../../src/ui/components/StepPane.js';
import type { Tutorial } from '../../src/tutorial/model.js';
import { iface } from './helpers.js';

/**
 * Panels clip only at the bottom (a sideways clip costs Ink a fifth of every
 * frame), so each row must fit in columns. Ink's own truncation keeps a
 * double-width character that straddles the last column: without our cut,
 * that row would cover the panel's right border.
 */
const WIDE = [
  '名'.repeat(24),
  '🙂'.repeat(24),
  `a${'名'.repeat(24)}`,
  // short in characters, long in columns
  '名前'.repeat(6),
  // characters string-width counts as no column, which Ink still gives a cell
  'x\u200b'.repeat(20),
  'e\u0301'.repeat(30),
  'b\x07'.repeat(20),
];
const RIGHT = 10;

/** The panel beside another: every row is exactly as wide as the two, and the borders meet untouched. */
function expectBordersIntact(left: React.ReactElement, leftWidth: number, height: number): string[] {
  const { lastFrame, unmount } = render(
    <Box>
      {left}
      <Panel title="right" width={RIGHT} height={height} focused={false} />
    </Box>,
  );
  const rows = (lastFrame() ?? '').split('\n');
  unmount();
  expect(rows).toHaveLength(height);
  for (const [i, row] of rows.entries()) {
    expect(columns(row), `row ${i}: ${row}`).toBe(leftWidth + RIGHT);
    const meet = i === 0 ? '╮╭' : i === height - 1 ? '╯╰' : '││';
    expect(row, `row ${i}`).toContain(meet);
  }
  return rows;
}

const target = (label: string): TargetState => ({
  ns: { kind: 'netns', label, path: `/var/run/netns/${label}`, netnsName: label },
  status: 'present',
  interfaces: [iface('lo', 'loopback'), iface(`e${label.slice(0, 3)}`)],
});

describe.each(WIDE)('a panel holding wide text (%s) keeps its borders', (text) => {
  it('the title', () => {
    expectBordersIntact(<Panel title={text} width={20} height={4} focused={false} />, 20, 4);
  });

  it('the targets panel, narrow (80 columns) and wide, its columns lined up', () => {
    for (const width of [27, 40]) {
      const rows = expectBordersIntact(
        <TargetsPanel targets={[target(text), target('client')]} selected={text} filter="" filtering={false} width={width} height={6} focused />,
        width,
        6,
      );
      // both targets have one interface besides lo: its count stands in the same column
      const countAt = rows.filter((r) => / 1 +│/.test(r)).map((r) => columns(r.slice(0, r.search(/ 1 +│/))));
      expect(countAt, rows.join('\n')).toHaveLength(2);
      expect(countAt[0], rows.join('\n')).toBe(countAt[1]);
    }
  });

  it('the details panel', () => {
    const lines = [{ text: `${text} (netns)`, bold: true }, { text: `e1  UP  10.0.1.1/24  ↔ ${text}:e2` }];
    expectBordersIntact(<DetailPanel target={target(text)} lines={lines} width={30} height={6} focused={false} scroll={0} />, 30, 6);
  });

  it('the log, its entries wrapped whole and cut to a row', () => {
    const log = [
      { at: new Date(0), tone: 'bad' as const, text: `no network namespace named "${text}" here, nor a container` },
      { at: new Date(0), tone: 'info' as const, text: `  created veth ${text}:a1 <-> b:b1` },
      // short in characters and long in columns: a last piece, a whole row
      { at: new Date(0), tone: 'ok' as const, text: `joined ${text}` },
      { at: new Date(0), tone: 'info' as const, text },
    ];
    for (const whole of [true, false]) {
      expectBordersIntact(<LogPanel rows={logRows(log, 30 - 4, whole)} width={30} height={12} focused={whole} scrollBack={0} />, 30, 12);
    }
  });

  it('the chain drawing and the watch lines', () => {
    const nodes: ChainNode[] = [
      { name: text, state: 'up' },
      { name: 'router', state: 'up' },
    ];
    const hops: ChainHop[] = [{ a: { node: text, ifname: 'e1', address: '10.0.1.1' }, b: { node: 'router', ifname: 'e2', address: '10.0.1.2' }, health: 'ok' }];
    const watches = [{ id: 1, kind: 'http' as const, target: text, destination: 'http://10.0.3.2/', ok: true, detail: '200 8 ms', recent: [] }];
    expectBordersIntact(
      <Panel title="chain" width={36} height={8} focused={false}>
        <ChainView nodes={nodes} hops={hops} width={36 - 4} />
        <WatchLines watches={watches} width={36 - 4} />
      </Panel>,
      36,
      8,
    );
  });

  it('the tutorial step pane', () => {
    const tutorial = { name: 'wide', steps: [{ title: text, text: `Look at ${text} and then at it again.`, run: [`ls ${text}`] }] } as unknown as Tutorial;
    const state = { current: 0, outcomes: [undefined], running: false, auto: 'off' } as never;
    for (const row of stepPaneRows(tutorial, state, 25, 10)) expect(columns(row.text), row.text).toBeLessThanOrEqual(25);
  });
});
