/**
 * src/ui/load-ui.ts hides CI, CONTINUOUS_INTEGRATION and DEV, and sets
 * NODE_ENV, while Ink, React or chalk load; afterwards the environment must
 * be as it was, also when loads overlap (the CLI loads chalk for stdout and
 * stderr at once), since every program chainmail starts inherits it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadChalk } from '../../src/ui/load-ui.js';

const NAMES = ['CI', 'CONTINUOUS_INTEGRATION', 'DEV', 'NODE_ENV'] as const;
const before = Object.fromEntries(NAMES.map((n) => [n, process.env[n]]));

afterEach(() => {
  for (const n of NAMES) {
    if (before[n] === undefined) delete process.env[n];
    else process.env[n] = before[n];
  }
});

describe('load-ui', () => {
  it('puts every variable back after overlapping loads', async () => {
    Object.assign(process.env, { CI: '1', CONTINUOUS_INTEGRATION: 'yes', DEV: 'true', NODE_ENV: 'development' });
    await Promise.all([loadChalk(), loadChalk(), loadChalk()]);
    expect(NAMES.map((n) => process.env[n])).toEqual(['1', 'yes', 'true', 'development']);
  });

  it('leaves unset what was unset', async () => {
    for (const n of NAMES) delete process.env[n];
    await Promise.all([loadChalk(), loadChalk()]);
    expect(NAMES.map((n) => n in process.env)).toEqual([false, false, false, false]);
  });
});
