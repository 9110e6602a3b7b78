/**
 * `capture TARGET IF [-c N] [-w FILE] [FILTER...]`: the words of a capture,
 * checked before tcpdump starts. The filter's words stay separate words; the
 * argv built from them puts them after `--`, so none can become an option.
 */
import { UsageError } from '../errors.js';
import { expect, parseTargetWords, type TargetSpec } from './target.js';
import { checkInterfaceName, parseInteger } from './values.js';
import { USAGE } from './verb-table.js';

export type CaptureCommand = {
  verb: 'capture';
  target: TargetSpec;
  /** An interface of the target, or `any`. */
  ifname: string;
  /** Stop after this many packets; until stopped when absent. */
  count?: number;
  /** A pcap file to write instead of summary lines. */
  file?: string;
  /** tcpdump filter words (pcap-filter), as typed. */
  filter: string[];
};

/** The most packets -c takes: enough for any capture a person waits for. */
export const MAX_CAPTURE_COUNT = 10_000_000;

/** Parses the words after `capture`. */
export function parseCapture(words: readonly string[]): CaptureCommand {
  const usage = USAGE.capture!;
  const { spec, next } = parseTargetWords(words, 0, usage);
  const ifname = words[next];
  if (ifname === undefined) throw new UsageError('missing the interface to capture on (e.g. eth0, or any)', { words, index: next }, usage);
  if (ifname.startsWith('-')) throw new UsageError(`expected an interface, got option "${ifname}"`, { words, index: next }, usage);
  if (ifname !== 'any') expect(checkInterfaceName(ifname), words, next, 'bad interface', usage);
  let count: number | undefined;
  let file: string | undefined;
  const filter: string[] = [];
  const once = (given: unknown, i: number) => {
    if (given !== undefined) throw new UsageError(`"${words[i]}" given twice`, { words, index: i }, usage);
  };
  for (let i = next + 1; i < words.length; i++) {
    const w = words[i]!;
    if (w === '--') {
      filter.push(...words.slice(i + 1));
      break;
    }
    if (w === '-c' || w === '--count') {
      once(count, i);
      count = expect(parseInteger(words[i + 1] ?? '', 1, MAX_CAPTURE_COUNT), words, i + 1, 'bad count', usage);
      i++;
    } else if (/^-c\d+$/.test(w)) {
      once(count, i);
      count = expect(parseInteger(w.slice(2), 1, MAX_CAPTURE_COUNT), words, i, 'bad count', usage);
    } else if (w === '-w' || w === '--write') {
      once(file, i);
      const value = words[i + 1];
      if (value === undefined || value === '' || value.startsWith('-')) {
        throw new UsageError(`${w} needs a file name (e.g. hop.pcap)`, { words, index: i + 1 }, usage);
      }
      if (/[\x00-\x1f\x7f]/.test(value)) throw new UsageError(`bad file name "${value}": control characters`, { words, index: i + 1 }, usage);
      file = value;
      i++;
    } else if (w.startsWith('-')) {
      throw new UsageError(`unknown option "${w}" (a filter word starting with "-" goes after --)`, { words, index: i }, usage);
    } else {
      filter.push(w);
    }
  }
  return { verb: 'capture', target: spec, ifname, ...(count !== undefined ? { count } : {}), ...(file !== undefined ? { file } : {}), filter };
}
