/**
 * A tutorial, as its YAML file says it (checked by tutorial/file.ts): a story
 * told in steps, each a bit of text, the prompt lines it runs and what must
 * hold afterwards.
 */
export interface Tutorial {
  name: string;
  title: string;
  intro: string;
  /** Where it was read from (for messages and relative paths). */
  file: string;
  /** What is made before the first step; undefined when the tutorial makes everything itself. */
  setup?: TutorialSetup;
  /** Lines that remove what the tutorial made (after the last step, unless --keep). */
  cleanup: string[];
  steps: TutorialStep[];
}

export type TutorialSetup =
  /** A chain file (absolute path) brought up with `chain up`; cleanup is its `chain down`. */
  | { kind: 'chain'; file: string }
  /** Prompt lines run in order. */
  | { kind: 'lines'; lines: string[] };

export interface TutorialStep {
  title: string;
  text: string;
  /** Prompt lines, run in order; `{setup}` already replaced by the setup chain file. */
  run: string[];
  check?: TutorialCheck;
}

export type CheckKind = { kind: 'ping'; from: string; to: string } | { kind: 'http'; from: string; url: string } | { kind: 'chain' } | { kind: 'command'; line: string };

export type TutorialCheck = CheckKind & {
  /** What the check must do: succeed or fail. */
  expect: 'ok' | 'fail';
  /** How long it may take to come true (health converges within moments), in ms. */
  withinMs: number;
};

export const DEFAULT_CHECK_WINDOW_MS = 3000;
