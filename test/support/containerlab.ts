/**
 * containerlab's reading of a topology file, as far as the tests need it,
 * from its sources (srl-labs/containerlab): the fields a node takes from
 * `topology.defaults`, how `cmd` and `exec` lines are split into words, and
 * its `$` expansion. With these a test can run an exported lab's lines as
 * containerlab would, without containerlab.
 */

/** A containerlab node, or `topology.defaults`, typed as far as the tests look. */
export interface ClabNode {
  kind?: string;
  image?: string;
  'network-mode'?: string;
  cmd?: string;
  sysctls?: Record<string, number | string>;
  exec?: string[];
}
/** The parsed containerlab file. */
export interface ClabFile {
  name: string;
  topology: {
    defaults?: ClabNode;
    nodes: Record<string, ClabNode | null>;
    links?: Array<{ endpoints: [string, string] }>;
  };
}
/**
 * Every node as containerlab reads it (types/topology.go): the node's own
 * value over the default's, sysctls merged key by key, exec lines the
 * defaults' first, a line that comes again dropped (utils.MergeStringSlices).
 */
export function effectiveNodes(file: ClabFile): Record<string, ClabNode> {
  const d = file.topology.defaults ?? {};
  return Object.fromEntries(
    Object.entries(file.topology.nodes).map(([name, own]) => {
      const node = own ?? {};
      const sysctls = { ...d.sysctls, ...node.sysctls };
      const exec = [...new Set([...(d.exec ?? []), ...(node.exec ?? [])])];
      return [name, { ...d, ...node, ...(Object.keys(sysctls).length > 0 ? { sysctls } : {}), ...(exec.length > 0 ? { exec } : {}) }];
    }),
  );
}

/**
 * How containerlab turns a node's `cmd` and each `exec` line into argv: it
 * splits them with github.com/google/shlex (exec/exec.go, runtime/docker).
 * This follows that lexer's state machine (commit e7afc7f), so a test can run
 * an exported line exactly as containerlab would, without containerlab:
 * - blanks (space, tab, CR, LF) end a word;
 * - '...' keeps everything literally; "..." keeps everything but `\`, which
 *   takes the next character as it is (whatever it is) and is dropped;
 * - outside quotes `\` takes the next character literally;
 * - `#` at the start of a word begins a comment to the end of the line.
 * A missing closing quote or a trailing `\` is an error, as there.
 */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  type State = 'start' | 'word' | 'escape' | 'escapeQuoted' | 'double' | 'single' | 'comment';
  let state: State = 'start';
  let word = '';
  const blank = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
  for (const c of text) {
    switch (state) {
      case 'start':
      case 'word':
        if (blank(c)) {
          if (state === 'word') words.push(word);
          word = '';
          state = 'start';
        } else if (c === '"') state = 'double';
        else if (c === "'") state = 'single';
        else if (c === '\\') state = 'escape';
        else if (c === '#' && state === 'start') state = 'comment';
        else {
          word += c;
          state = 'word';
        }
        break;
      case 'escape':
        word += c;
        state = 'word';
        break;
      case 'escapeQuoted':
        word += c;
        state = 'double';
        break;
      case 'double':
        if (c === '"') state = 'word';
        else if (c === '\\') state = 'escapeQuoted';
        else word += c;
        break;
      case 'single':
        if (c === "'") state = 'word';
        else word += c;
        break;
      case 'comment':
        if (c === '\n') state = 'start';
        break;
    }
  }
  if (state === 'escape' || state === 'escapeQuoted') throw new Error(`EOF found after escape character: ${text}`);
  if (state === 'double' || state === 'single') throw new Error(`EOF found when expecting closing quote: ${text}`);
  if (state === 'word') words.push(word);
  return words;
}

/**
 * What containerlab's env-var expansion (github.com/hellt/envsubst, over the
 * whole file) leaves of a string with no variables in it: `$$` is one `$`.
 * A `$` that is not so escaped would be expanded there, so it is an error here.
 */
export function clabUnescape(text: string): string {
  const bare = text.replace(/\$\$/g, '');
  if (bare.includes('$')) throw new Error(`a $ containerlab would expand: ${text}`);
  return text.replace(/\$\$/g, '$');
}
