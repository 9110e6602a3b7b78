import React from 'react';
import { Box, Text } from 'ink';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Panel } from '../../src/ui/panels.js';

/** Two panels side by side, the left one holding `text` in its title and in a row. */
function frameOf(text: string, width = 20): string[] {
  const { lastFrame, unmount } = render(
    <Box>
      <Panel title={text} width={width} height={4} focused={false}>
        <Text wrap="truncate">{text}</Text>
      </Panel>
      <Panel title="right" width={10} height={4} focused={false} />
    </Box>,
  );
  const frame = lastFrame() ?? '';
  unmount();
  return frame.split('\n');
}

describe('Panel: content never covers a border', () => {
  // Ink's truncation keeps a double-width character that straddles the last column
  it.each([
    ['a CJK name', '名'.repeat(20)],
    ['an emoji name', '🙂'.repeat(20)],
    ['a mixed name', `a${'名'.repeat(20)}`],
  ])('%s, cut at the panel edge: both panels keep their borders', (_, text) => {
    const rows = frameOf(text);
    expect(rows[0]).toBe(`╭${'─'.repeat(18)}╮╭${'─'.repeat(8)}╮`);
    for (const row of rows.slice(1, 3)) {
      // the left panel's right border is followed at once by the right panel's left border
      expect(row, row).toContain('││');
      expect(row.endsWith('│'), row).toBe(true);
    }
  });
});
