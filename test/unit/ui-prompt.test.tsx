import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Prompt } from '../../src/ui/components/Prompt.js';
import { CommandHistory } from '../../src/ui/history.js';
import type { CompletionContext } from '../../src/ui/completion.js';

const KEY = {
  left: '\u001B[D',
  right: '\u001B[C',
  up: '\u001B[A',
  down: '\u001B[B',
  home: '\u001B[H',
  end: '\u001B[F',
  backspace: '\u007F',
  ctrlH: '\b',
  deleteKey: '\u001B[3~',
  altBackspace: '\u001B\u007F',
  enter: '\r',
  tab: '\t',
  shiftTab: '\u001B[Z',
  esc: '\u001B',
  ctrl: (letter: string) => String.fromCharCode(letter.charCodeAt(0) - 96),
};

const ctx: CompletionContext = {
  targets: ['client', 'firewall', 'router'],
  interfaces: { client: ['lo', 'link1', 'link7'] },
};

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

let unmount: (() => void) | undefined;
afterEach(() => unmount?.());

async function setup(options: { focused?: boolean; history?: CommandHistory; width?: number } = {}) {
  const onSubmit = vi.fn<(line: string) => void>();
  const onLeave = vi.fn<() => void>();
  const history = options.history ?? new CommandHistory({ path: null });
  const view = render(
    <Prompt focused={options.focused ?? true} history={history} completionContext={ctx} onSubmit={onSubmit} onLeave={onLeave} width={options.width ?? 80} />,
  );
  unmount = view.unmount;
  await tick(); // useInput subscribes in an effect
  const type = async (...chunks: string[]) => {
    for (const chunk of chunks) {
      view.stdin.write(chunk);
      await tick();
    }
  };
  const line = () => (view.lastFrame() ?? '').split('\n')[0]!;
  return { ...view, onSubmit, onLeave, history, type, line };
}

describe('Prompt: typing and Enter', () => {
  it('submits the typed line on Enter and empties the buffer', async () => {
    const p = await setup();
    await p.type('koko -d a,l1');
    expect(p.line()).toMatch(/^ : koko -d a,l1 /);
    await p.type(KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledExactlyOnceWith('koko -d a,l1');
    expect(p.line()).toMatch(/^ : {2}/);
    expect(p.history.entries).toEqual(['koko -d a,l1']);
  });

  it('a : typed at the empty prompt (the key that opened it) is not part of the line', async () => {
    const p = await setup();
    await p.type(':', ':ls', KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledExactlyOnceWith('ls');
    await p.type('ping a :b', KEY.enter);
    expect(p.onSubmit).toHaveBeenLastCalledWith('ping a :b');
  });

  it('Enter on an empty line leaves the prompt instead', async () => {
    const p = await setup();
    await p.type('   ', KEY.enter);
    expect(p.onSubmit).not.toHaveBeenCalled();
    expect(p.onLeave).toHaveBeenCalledOnce();
  });

  it('Esc leaves and forgets the line', async () => {
    const p = await setup();
    await p.type('koro docker', KEY.esc);
    expect(p.onLeave).toHaveBeenCalledOnce();
    expect(p.onSubmit).not.toHaveBeenCalled();
    expect(p.line()).toMatch(/^ : {2}/);
  });

  it('shows a dim hint and ignores keys when not focused', async () => {
    const p = await setup({ focused: false });
    expect(p.lastFrame()).toBe(' : command   ? help   / filter   q quit');
    await p.type('ls', KEY.enter, KEY.esc);
    expect(p.onSubmit).not.toHaveBeenCalled();
    expect(p.onLeave).not.toHaveBeenCalled();
  });

  it('fits the width', async () => {
    const idle = await setup({ focused: false, width: 20 });
    expect(idle.lastFrame()).toBe(' : command   ? help…');
    idle.unmount();
    const p = await setup({ width: 20 });
    await p.type('koro docker client address add 10.0.1.1/24');
    // the cursor stays in view at the end; the start scrolls away
    expect(p.line()).toBe(' :  add 10.0.1.1/24');
    await p.type(KEY.home);
    expect(p.line()).toBe(' : koro docker clien');
  });
});

describe('Prompt: editing', () => {
  it('moves with arrows and deletes with Backspace (\\x7f and \\b)', async () => {
    const p = await setup();
    await p.type('koko -d a,l1', KEY.left, KEY.left, KEY.backspace, 'X', KEY.right, KEY.right, KEY.ctrlH, KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledWith('koko -d aXl');
    // ink cannot tell the Delete key from a \x7f Backspace: both erase backwards
    await p.type('lsx', KEY.deleteKey, KEY.enter);
    expect(p.onSubmit).toHaveBeenLastCalledWith('ls');
  });

  it('inserts at the cursor, Home/End and Ctrl-A/Ctrl-E', async () => {
    const p = await setup();
    await p.type('docker client', KEY.home, 'koro ', KEY.end, ' route show', KEY.enter);
    await p.type('a b', KEY.ctrl('a'), 'X', KEY.ctrl('e'), 'Y', KEY.enter);
    expect(p.onSubmit.mock.calls).toEqual([['koro docker client route show'], ['Xa bY']]);
  });

  it('Ctrl-U clears, Ctrl-W deletes the word before the cursor, Ctrl-K to the end', async () => {
    const p = await setup();
    await p.type('something wrong', KEY.ctrl('u'), 'ls', KEY.enter);
    await p.type('koro docker client  ', KEY.ctrl('w'), 'router', KEY.enter);
    await p.type('ping a 1.2.3.4', KEY.left, KEY.left, KEY.left, KEY.ctrl('k'), '5.6', KEY.enter);
    await p.type('ls x', KEY.altBackspace, KEY.enter);
    expect(p.onSubmit.mock.calls).toEqual([['ls'], ['koro docker router'], ['ping a 1.2.5.6'], ['ls ']]);
  });

  it('ignores other control keys and Shift-Tab', async () => {
    const p = await setup();
    await p.type('ls', KEY.ctrl('t'), KEY.shiftTab, KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledWith('ls');
  });

  it('keeps up with keys that arrive in one burst, Backspaces in typed text included', async () => {
    const p = await setup();
    await p.type('kill a' + KEY.left + KEY.backspace + 'b');
    await p.type(KEY.enter);
    await p.type('lx\x7fs --jsno\b\bon' + KEY.enter);
    expect(p.onSubmit.mock.calls).toEqual([['killba'], ['ls --json']]);
  });
});

describe('Prompt: history', () => {
  it('Up and Down walk the history and bring the draft back', async () => {
    const history = new CommandHistory({ path: null });
    history.add('koko -d a,l1 -d b,l2');
    history.add('ls');
    const p = await setup({ history });
    await p.type('rou');
    await p.type(KEY.up);
    expect(p.line()).toMatch(/^ : ls /);
    await p.type(KEY.up);
    expect(p.line()).toMatch(/^ : koko -d a,l1 -d b,l2 /);
    await p.type(KEY.up);
    expect(p.line()).toMatch(/^ : koko -d a,l1 -d b,l2 /);
    await p.type(KEY.down, KEY.down);
    expect(p.line()).toMatch(/^ : rou /);
    await p.type(KEY.up, ' --json', KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledWith('ls --json');
    expect(history.entries.at(-1)).toBe('ls --json');
  });
});

describe('Prompt: Tab completion', () => {
  it('inserts a unique match', async () => {
    const p = await setup();
    await p.type('koro d', KEY.tab, 'cl', KEY.tab, 'a', KEY.tab, 'add 10.0.1.1/24 dev li', KEY.tab, '7', KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledWith('koro docker client address add 10.0.1.1/24 dev link7');
  });

  it('shows several matches on a dim line, which goes with the next key', async () => {
    const p = await setup();
    await p.type('koko -d c', KEY.tab, KEY.tab);
    expect(p.lastFrame()).toContain('koko -d client,l');
    expect(p.lastFrame()!.split('\n')[1]).toBe('   lo  link1  link7');
    await p.type('i');
    expect(p.lastFrame()!.split('\n')).toHaveLength(1);
  });
});

describe('Prompt: pastes', () => {
  it('runs each complete line of a paste in order and keeps the rest', async () => {
    const p = await setup();
    await p.type('$ ./gocode/bin/koko -d client,link1 -d firewall,link2\n./gocode/bin/koko -d firewall,link3 -d router,link4\nkoro docker cl');
    expect(p.onSubmit.mock.calls).toEqual([['$ ./gocode/bin/koko -d client,link1 -d firewall,link2'], ['./gocode/bin/koko -d firewall,link3 -d router,link4']]);
    expect(p.line()).toMatch(/^ : koro docker cl /);
    expect(p.history.entries).toHaveLength(2);
  });

  it('handles \\r\\n and \\r line ends and skips blank lines', async () => {
    const p = await setup();
    await p.type('ls\r\n\r\nroutes client\r', 'ping client 10.0.1.2\r\n');
    expect(p.onSubmit.mock.calls).toEqual([['ls'], ['routes client'], ['ping client 10.0.1.2']]);
    expect(p.onLeave).not.toHaveBeenCalled();
  });

  it('a paste in the middle of a line ends that line with what followed the cursor', async () => {
    const p = await setup();
    await p.type('kill ', KEY.left, KEY.left, KEY.left, KEY.left, KEY.left, 'ls\nfw client list', KEY.enter);
    expect(p.onSubmit.mock.calls).toEqual([['lskill '], ['fw client list']]);
  });

  it('turns tabs in a paste into spaces and drops other control characters', async () => {
    const p = await setup();
    await p.type('ls\t--json\u0007', KEY.enter);
    expect(p.onSubmit).toHaveBeenCalledWith('ls --json');
  });
});

describe('Prompt type-ahead', () => {
  it('text that came with the key that opened the prompt is inserted once focused, and a line end in it runs', async () => {
    const submitted: string[] = [];
    let used = 0;
    const app = render(
      <Prompt
        focused
        history={new CommandHistory({ path: null })}
        completionContext={{ targets: [], interfaces: {} }}
        onSubmit={(l) => {
          submitted.push(l);
        }}
        onLeave={() => {}}
        width={80}
        typeAhead={'ls\rkoko'}
        onTypeAheadUsed={() => {
          used++;
        }}
      />,
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(submitted).toEqual(['ls']);
    expect(used).toBe(1);
    expect(app.lastFrame()).toContain('koko');
    app.unmount();
  });
});
