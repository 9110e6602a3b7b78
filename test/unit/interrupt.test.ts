import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_INTERRUPTED, interruptibleBetweenSteps, processEndsWithCommand, signalsHeldToExit, throwIfInterrupted } from '../../src/sys/interrupt.js';

// The module's state (a process that ends with its command) is per process: each test file runs in a worker of its own.

// Signals are sent with process.emit: the listeners run as they would for a real one, and the worker lives on.
const listenersNow = () => ({ int: process.listenerCount('SIGINT'), term: process.listenerCount('SIGTERM') });

describe('interruptibleBetweenSteps', () => {
  afterEach(() => vi.restoreAllMocks());

  it('a signal during the steps stops at the next boundary with exit 130, and the listeners go with the command', async () => {
    const before = listenersNow();
    const run = interruptibleBetweenSteps(async () => {
      throwIfInterrupted('first');
      process.emit('SIGINT', 'SIGINT');
      throwIfInterrupted('stopped after one step');
      return 'done';
    });
    await expect(run).rejects.toMatchObject({ message: 'interrupted (SIGINT): stopped after one step', exitCode: EXIT_INTERRUPTED });
    expect(listenersNow()).toEqual(before);
  });

  it('a signal during the last step, with no boundary after it, is said: the step completed', async () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(
      interruptibleBetweenSteps(async () => {
        process.emit('SIGTERM', 'SIGTERM');
        return 'up';
      }),
    ).resolves.toBe('up');
    expect(stderr).toHaveBeenCalledWith('chainmail: SIGTERM during the last step: it completed\n');
    expect(signalsHeldToExit()).toBe(false);
  });

  it('in a process that ends with its command, a signal after the last step finds a listener: the command reports; a second ends it with 130', async () => {
    processEndsWithCommand();
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const before = listenersNow();
    await expect(interruptibleBetweenSteps(async () => 'up')).resolves.toBe('up');
    // kept to the process's exit: without a listener the kernel's default action would kill it mid-output
    expect(listenersNow()).toEqual({ int: before.int + 1, term: before.term + 1 });
    expect(signalsHeldToExit()).toBe(true);
    process.emit('SIGINT', 'SIGINT');
    expect(exit).not.toHaveBeenCalled();
    expect(stderr).toHaveBeenCalledWith('chainmail: SIGINT after the last step: finishing\n');
    process.emit('SIGINT', 'SIGINT');
    expect(exit).toHaveBeenCalledWith(EXIT_INTERRUPTED);
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      for (const l of process.listeners(signal).slice(before[signal === 'SIGINT' ? 'int' : 'term'])) process.off(signal, l);
  });
});
