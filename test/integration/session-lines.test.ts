/**
 * Prompt lines run in the UI's model (Session), on namespaces of this test:
 * what the log says for help and ls, and which vanished links are drawn
 * broken (deleted from outside) or simply go (deleted by the prompt's koko).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../src/host/context.js';
import { Session } from '../../src/ui/session/session.js';
import { ip, isRoot, Scratch } from '../support/kernel.js';

const scratch = new Scratch();
let session: Session | undefined;
afterEach(async () => {
  session?.stop();
  session = undefined;
  await scratch.cleanup();
});

const brokenHops = (s: Session) => [...s.state.broken.values()].map((l) => `${l.a.target}:${l.a.ifname} ${l.b?.target}:${l.b?.ifname}`);

describe.skipIf(!isRoot)('prompt lines in the UI model', () => {
  it('help VERB logs its usage; ls logs how many targets and links the panels show', async () => {
    const s = (session = new Session(createContext()));
    const help = await s.runLine('help koro');
    expect(help.lines[0]).toMatch(/^usage: koro TARGET address add\|del CIDR dev IF/);
    expect(s.state.log.some((l) => l.text.startsWith('usage: koro TARGET'))).toBe(true);
    await s.runLine('ls');
    expect(
      s.state.log.some((l) => /^ {2}\d+ targets?, \d+ links? \(the panels show them/.test(l.text)),
      s.state.log.map((l) => l.text).join('\n'),
    ).toBe(true);
  });

  it('a link deleted with plain ip is a broken hop; one deleted by koko at the prompt just goes', async () => {
    const a = scratch.netns('sla');
    const b = scratch.netns('slb');
    const s = (session = new Session(createContext()));
    expect((await s.runLine(`koko -n ${a},out1 -n ${b},in1`)).ok).toBe(true);
    expect((await s.runLine(`koko -n ${a},out2 -n ${b},in2`)).ok).toBe(true);

    ip(a, ['link', 'del', 'out1']);
    await s.refreshNow();
    expect(brokenHops(s).filter((h) => h.includes('out1'))).toHaveLength(1);

    const del = await s.runLine(`koko -N ${a},out2`);
    expect(del.ok, del.lines.join('\n')).toBe(true);
    expect(brokenHops(s).filter((h) => h.includes('out2'))).toEqual([]);
    expect(s.state.log.some((l) => l.text.includes(`hop ${a} ↔ ${b} broken`))).toBe(true);
  });
});
