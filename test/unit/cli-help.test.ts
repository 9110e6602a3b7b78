import { describe, expect, it } from 'vitest';
import { helpText } from '../../src/entry/program.js';
import { VERBS } from '../../src/parse/verb-table.js';

describe('chainmail help', () => {
  it('lists every verb with a one-line summary', async () => {
    const text = await helpText();
    for (const verb of VERBS) expect(text).toMatch(new RegExp(`^  ${verb} +\\S`, 'm'));
    expect(text).not.toContain('undefined');
  });

  it('help VERB gives the summary first, then the usage', async () => {
    for (const verb of VERBS) {
      const [first, , usage] = (await helpText(verb)).split('\n');
      expect(first).toMatch(new RegExp(`^chainmail ${verb}: \\S`));
      expect(usage).toMatch(new RegExp(`^usage: chainmail ${verb}\\b`));
      expect(await helpText(verb)).not.toContain('undefined');
    }
  });
});
