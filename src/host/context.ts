import { createRequire } from 'node:module';
import { DockerEngine } from '../targets/docker.js';
import { resolveTarget } from '../targets/resolve.js';
import type { TargetSpec } from '../parse/target.js';
import type { Namespace } from '../targets/namespace.js';
import { executeInEach, executeSteps, failAtStepFromEnv, pauseAtStepFromEnv, type ExecutedStep, type NamespaceStep, type Step } from '../net/executor.js';
import type { KernelError } from '../errors.js';

/** What every command needs from its surroundings; one per process (CLI) or session (UI). */
export interface CommandContext {
  docker: DockerEngine;
  /** Runs steps all-or-nothing (executeSteps, with this context's test hook). */
  execute(steps: readonly Step[]): Promise<ExecutedStep[]>;
  /** Runs one step in each of many namespaces from a few processes (executeInEach, with the same hook): each one's failure, if any. */
  executeInEach(steps: readonly NamespaceStep[]): Promise<Array<KernelError | undefined>>;
  /** A fresh tag for temporary interface names: 8 hex characters. */
  newTag(): string;
  resolve(spec: TargetSpec): Promise<Namespace>;
}

export function createContext(): CommandContext {
  const docker = new DockerEngine();
  const failAtStep = failAtStepFromEnv();
  const pauseAtStep = pauseAtStepFromEnv();
  return {
    docker,
    execute: (steps) => executeSteps(steps, { ...(failAtStep !== undefined ? { failAtStep } : {}), ...(pauseAtStep ? { pauseAtStep } : {}) }),
    executeInEach: (steps) => executeInEach(steps, { ...(failAtStep !== undefined ? { failAtStep } : {}), ...(pauseAtStep ? { pauseAtStep } : {}) }),
    newTag,
    resolve: (spec) => resolveTarget(spec, docker),
  };
}

/** node:crypto on first use: most commands and the UI's first frame need no tag, and loading it is not free. */
const requireBuiltin = createRequire(import.meta.url);

/** 8 random hex characters: a tag must not collide with another run's. */
function newTag(): string {
  const { randomBytes } = requireBuiltin('node:crypto') as typeof import('node:crypto');
  return randomBytes(4).toString('hex');
}

/** What a command reports: lines for people, a value for --json, and success. */
export interface CommandResult {
  ok: boolean;
  /** The exit code when it is not simply 0 for ok and 1 otherwise (batch passes a line's on). */
  exitCode?: number;
  lines: string[];
  json: unknown;
}
