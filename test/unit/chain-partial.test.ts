/**
 * What a failed `chain up` made (chain/partial.ts) and the words its error
 * ends with; iptables-restore's complaint as one line (net/rule-check.ts).
 */
import { describe, expect, it } from 'vitest';
import { countThings, madeSince, mergeRecords, partialOutcome, thingsOf } from '../../src/chain/partial.js';
import { emptyRecord, type ChainRecord } from '../../src/chain/state-file.js';
import { restoreComplaint, restoreWord, ruleAtLine } from '../../src/net/rule-check.js';

const before: ChainRecord = { ...emptyRecord('c', 'netns'), createdNodes: ['a'], createdLinks: ['a:l1'], servers: { a: 10 } };
const after: ChainRecord = {
  ...before,
  createdNodes: ['a', 'b', 'c'],
  createdLinks: ['a:l1', 'b:l3'],
  addedRules: [{ node: 'x', rule: ['-j', 'DROP'] }],
  forwardingTurnedOn: ['x'],
  servers: { a: 10, c: 20 },
};

describe('madeSince', () => {
  it('is what the record holds now and did not before', () => {
    const made = madeSince(before, after);
    expect(made.createdNodes).toEqual(['b', 'c']);
    expect(made.createdLinks).toEqual(['b:l3']);
    expect(made.addedRules).toEqual([{ node: 'x', rule: ['-j', 'DROP'] }]);
    expect(made.forwardingTurnedOn).toEqual(['x']);
    expect(made.servers).toEqual({ c: 20 });
    expect(thingsOf(made)).toEqual(['namespace b', 'namespace c', 'link b:l3', 'forwarding in x', 'rule x: -j DROP', 'web server in c']);
    expect(countThings(made)).toBe('2 namespaces, 1 link, 1 forwarding setting, 1 firewall rule, 1 web server');
  });

  it('is nothing when nothing was made, and merging it back gives the record before', () => {
    expect(thingsOf(madeSince(before, before))).toEqual([]);
    expect(mergeRecords(before, madeSince(before, before))).toEqual({ ...before, forwardingTurnedOn: [] });
    expect(mergeRecords(before, madeSince(before, after)).createdNodes).toEqual(['a', 'b', 'c']);
  });
});

describe('partialOutcome', () => {
  const made = madeSince(before, after);
  const none = madeSince(before, before);
  it('nothing made, nothing changed: nothing was changed', () => {
    expect(partialOutcome(none, { kind: 'kept' }, false, 'f.yaml')).toEqual({ clause: 'nothing was changed', context: [] });
  });
  it('nothing made but something changed: never "nothing was changed"', () => {
    expect(partialOutcome(none, { kind: 'removed', left: none, failed: [] }, true, 'f.yaml').clause).not.toMatch(/nothing was changed/);
  });
  it('all removed: removed the N things this run made', () => {
    expect(partialOutcome(made, { kind: 'removed', left: none, failed: [] }, true, 'f.yaml').clause).toBe(
      'removed the 6 things this run made (2 namespaces, 1 link, 1 forwarding setting, 1 firewall rule, 1 web server)',
    );
  });
  it('some left: how many, and that chain down FILE removes the rest', () => {
    const left = { ...none, createdNodes: ['c'] };
    const r = partialOutcome(made, { kind: 'removed', left, failed: ['namespace c (busy)'] }, true, 'f.yaml');
    expect(r.clause).toBe('removed 5 of the 6 things this run made; the rest is on record: chain down f.yaml removes it');
    expect(r.context).toEqual(['  could not remove: namespace c (busy)']);
  });
  it('--keep-partial: what exists, and that chain down FILE removes it', () => {
    const r = partialOutcome(made, { kind: 'kept' }, true, 'f.yaml');
    expect(r.clause).toMatch(/^kept the 6 things this run made \(--keep-partial: .*\); chain down f\.yaml removes them$/);
    expect(r.context[0]).toContain('namespace b, namespace c, link b:l3');
  });
});

describe('rule-check', () => {
  it('quotes what iptables-restore would split or read as a comment', () => {
    expect(restoreWord('DROP')).toBe('DROP');
    expect(restoreWord('a b')).toBe('"a b"');
    expect(restoreWord('#x')).toBe('"#x"');
    expect(restoreWord('a"b\\c')).toBe('"a\\"b\\\\c"');
  });
  it('maps a line back to its rule', () => {
    expect([1, 2, 3, 4, 6, 7].map((l) => ruleAtLine(l, 2))).toEqual([0, 0, 0, 1, 1, undefined]);
    expect(ruleAtLine(0, 2)).toBeUndefined();
  });
  it("says iptables-restore's complaint in one line, without its line number and help hint", () => {
    const stderr =
      "iptables-restore v1.8.9 (nf_tables): Chain 'NOPE' does not exist\nError occurred at line: 3\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.\n";
    expect(restoreComplaint(stderr)).toBe("Chain 'NOPE' does not exist");
    expect(restoreComplaint("Bad argument `reboot'\nError occurred at line: 2\n")).toBe("Bad argument `reboot'");
    expect(restoreComplaint('')).toBe('it was refused without saying why');
  });
});
