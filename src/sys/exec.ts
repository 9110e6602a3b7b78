import { execa } from 'execa';

export interface ExecResult {
  argv: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  /** Written to the child's stdin (e.g. an `ip -batch -` script). */
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs a program with an argument array: never through a shell, so no word a
 * user typed can be read as shell syntax. A non-zero exit is a result, not a
 * throw; callers decide what it means.
 */
export async function run(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('run: empty argv');
  const result = await execa(file, args, {
    reject: false,
    shell: false,
    input: options.input,
    timeout: options.timeoutMs ?? 15_000,
    // error texts are matched in English; keep iproute2 and friends from translating them
    env: { LC_ALL: 'C' },
    stdin: options.input === undefined ? 'ignore' : 'pipe',
  });
  const stderr = result.failed && result.exitCode === undefined
    ? `${result.stderr}${result.stderr ? '\n' : ''}${result.shortMessage}`
    : result.stderr;
  return { argv, exitCode: result.exitCode ?? 127, stdout: result.stdout, stderr };
}
