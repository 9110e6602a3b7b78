/** The lock folder's file names (src/targets/lock-files.ts), as the UI reads them to see another chainmail at work. */
import { describe, expect, it } from 'vitest';
import { lockedIdentity } from '../../src/targets/lock-files.js';

describe('lockedIdentity: whose lock a file of the lock folder is', () => {
  it("a namespace's lock names its identity; other files none", () => {
    expect(lockedIdentity('netns-4-4026532301.lock')).toBe('4:4026532301');
    expect(lockedIdentity('chain-web.lock')).toBeUndefined();
    expect(lockedIdentity('netns-4-4026532301.lock.tmp')).toBeUndefined();
  });
});
