import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Where a program is on PATH, as a shell would find it; undefined when it is not installed. */
export function onPath(program: string, path: string = process.env.PATH ?? ''): string | undefined {
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, program))
    .find(isExecutable);
}

/** What a shell would run for this command word: a word with a slash is a path, used as it is; any other is looked up on PATH. */
export function findProgram(word: string, path?: string): string | undefined {
  if (word.includes('/')) return isExecutable(word) ? word : undefined;
  return onPath(word, path);
}
