/**
 * Pure: the two halves of the fan-out helper's protocol (fan-out.sh): the
 * item lines it reads, and its delimited output split back into each item's.
 */

/** One item's part of one stream: what it wrote, and how its command ended. */
export interface DelimitedSection {
  index: number;
  status: number;
  text: string;
}

export interface DelimitedOutput {
  /** Each finished item's output, in the order they ran. */
  sections: DelimitedSection[];
  /** What followed the last delimiter: the output of an item that did not finish (the helper was stopped). */
  rest: string;
}

/**
 * Splits one stream of the helper (standard output or standard error) into
 * its items: each item's output is followed by a newline of the helper's and
 * the line `MARK INDEX STATUS`. The mark is random for each run, so no
 * output holds it. The last line may have lost its newline (exec.ts trims one).
 */
export function splitDelimited(text: string, mark: string): DelimitedOutput {
  const sections: DelimitedSection[] = [];
  const delimiter = new RegExp(`\\n${escapeRegExp(mark)} (\\d+) (\\d+)(?:\\n|$)`, 'g');
  let from = 0;
  for (const m of text.matchAll(delimiter)) {
    sections.push({ index: Number(m[1]), status: Number(m[2]), text: text.slice(from, m.index) });
    from = m.index + m[0].length;
  }
  return { sections, rest: text.slice(from) };
}

/** The helper's line for one item: INDEX, INPUT, the namespace file and its `ip netns` name (or nothing), tab-separated. */
export function itemLine(index: number, input: string, path: string, netnsName = ''): string {
  return `${index}\t${input}\t${path}\t${netnsName}\n`;
}

/** A path the helper's item line cannot carry: it would split the line or its fields. */
export function unsafeItemPath(path: string): boolean {
  return /[\t\n\r]/.test(path) || path === '';
}

/** Items dealt round the helpers: item i goes to helper i mod count. */
export function dealItems(count: number, helpers: number): number[][] {
  const slices: number[][] = Array.from({ length: Math.max(1, Math.min(helpers, count)) }, () => []);
  for (let i = 0; i < count; i++) slices[i % slices.length]!.push(i);
  return count === 0 ? [] : slices;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
