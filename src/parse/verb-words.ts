// The word handling every verb's parser shares: --json split off, options with and without values, nothing left over.
import { UsageError } from '../errors.js';

/** Splits off --json (and checks no other long option slipped in). */
export function takeJson(words: readonly string[], usage: string, allowed: readonly string[] = []): { words: string[]; json: boolean } {
  const json = words.includes('--json');
  const kept = words.filter((w) => w !== '--json');
  const badIndex = kept.findIndex((w) => w.startsWith('--') && !allowed.includes(w));
  if (badIndex >= 0) throw new UsageError(`unknown option "${kept[badIndex]}"`, { words: kept, index: badIndex }, usage);
  return { words: kept, json };
}

export function noMore(words: readonly string[], index: number, usage: string): void {
  if (index < words.length) throw new UsageError(`unexpected "${words[index]}"`, { words, index }, usage);
}

/** Reads `--name VALUE` / `--name=VALUE` options and flags; returns the other words. */
export function takeOptions(
  words: readonly string[],
  usage: string,
  flags: readonly string[],
  valued: readonly string[],
): { rest: string[]; flags: Set<string>; values: Map<string, { value: string; index: number }> } {
  const rest: string[] = [];
  const found = new Set<string>();
  const values = new Map<string, { value: string; index: number }>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // `--` ends the options: a file named -odd.yaml can follow it
    if (w === '--') {
      rest.push(...words.slice(i + 1));
      break;
    }
    const [name, inline] = w.startsWith('--') ? [w.split('=')[0]!, w.includes('=') ? w.slice(w.indexOf('=') + 1) : undefined] : [w, undefined];
    if (flags.includes(name) && inline === undefined) found.add(name);
    else if (valued.includes(name)) {
      const value = inline ?? words[i + 1];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) {
        throw new UsageError(`${name} needs a value`, { words, index: i + 1 }, usage);
      }
      values.set(name, { value, index: inline === undefined ? i + 1 : i });
      if (inline === undefined) i++;
    } else if (w.startsWith('-') && w !== '-') throw new UsageError(`unknown option "${w}"`, { words, index: i }, usage);
    else rest.push(w);
  }
  return { rest, flags: found, values };
}
