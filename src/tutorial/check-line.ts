/**
 * The prompt lines a tutorial runs for its checks, pure: apart from the
 * tutorial file's parser (file.ts) so that the UI's step pane, which shows
 * them, does not load the YAML parser and the chain file's with it.
 */
import type { CheckKind } from './model.js';

/** The prompt line a check runs. */
export function checkLine(check: CheckKind, setupFile: string | undefined): string {
  switch (check.kind) {
    case 'ping':
      return `ping ${check.from} ${check.to} -c 1`;
    case 'http':
      return `probe ${check.from} ${check.url} --timeout 2000`;
    case 'chain':
      return `chain status ${quoteWord(setupFile ?? '')}`;
    case 'command':
      return check.line;
  }
}

/** A word as the prompt reads it back: quoted when it has spaces or quotes. */
export function quoteWord(word: string): string {
  return /^[\w./@:+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
