/**
 * What the TUI prompt does with a line of text before it reaches the command
 * parser: strip what people paste along with a command (a shell prompt, a
 * program path, sudo), split it into words the way a shell would but with
 * none of a shell's powers, and cut pasted text into lines.
 */
import { UsageError } from '../errors.js';
import { PROMPT_VERBS, usageOf } from './verb-table.js';

/**
 * Splits a line into words: whitespace separates, quotes group (and are
 * removed), a backslash takes the next character literally except inside
 * single quotes. Nothing is expanded: `$HOME`, `*` and `$(cmd)` stay as typed.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let wordStart = 0;
  let quote: "'" | '"' | undefined;
  let escaped = false;
  let at = 0;
  for (const c of line) {
    const here = at;
    at += c.length;
    if (!inWord && !/\s/.test(c)) wordStart = here;
    if (escaped) {
      word += c;
      escaped = false;
    } else if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (c === '\\') {
      escaped = true;
      inWord = true;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote) {
    const name = quote === "'" ? 'single' : 'double';
    throw new UsageError(`unterminated ${name} quote (${quote})`, { words: [...words, line.slice(wordStart)], index: words.length });
  }
  // a backslash at the very end has nothing to escape: keep it
  if (escaped) word += '\\';
  if (inWord) words.push(word);
  return words;
}

/** Shell prompts that are always dropped from the start of a pasted line. */
const PROMPTS: readonly RegExp[] = [
  /^\[[^\]\n]*\][#$%]\s*/, // [root@koko1 centos]#
  /^[\w.-]+@[\w.-]+(?::[^\s#$%]*)?[#$%](?:\s+|$)/, // user@host:~/dir$
  /^\/\S*\s+#(?:\s+|$)/, // busybox: / #
  /^[$%](?:\s+|$)/, // $ and %
];

/**
 * A lone `# ` is a root prompt only when a command follows it; otherwise the
 * line is a comment (`# now add the routes`) and must stay one.
 */
const ROOT_PROMPT = /^#\s+/;

const PROGRAM_PATH = /^\S*\/(?=(?:koko|koro|chainmail)(?:\s|$))/;

/** Drops a shell prompt, sudo, a program path and a leading `chainmail`. */
export function normalizePasted(line: string): string {
  return stripProgram(stripPrompt(line.trim()));
}

function stripPrompt(text: string): string {
  for (const prompt of PROMPTS) {
    const m = prompt.exec(text);
    if (m) return text.slice(m[0].length);
  }
  const root = ROOT_PROMPT.exec(text);
  if (root) {
    const rest = text.slice(root[0].length);
    if (startsWithVerb(stripProgram(rest))) return rest;
  }
  return text;
}

function stripProgram(text: string): string {
  return text
    .replace(/^sudo\s+/, '')
    .replace(PROGRAM_PATH, '')
    .replace(/^chainmail(?:\s+|$)/, '');
}

function startsWithVerb(text: string): boolean {
  const first = /^\S+/.exec(text)?.[0];
  return first !== undefined && PROMPT_VERBS.includes(first);
}

/**
 * The words of a prompt line, ready for parseCommand or a TUI verb, or
 * undefined for a blank or comment line. `docker kill NAME` becomes
 * `kill docker NAME`; any other docker command is refused, never run.
 */
export function toCommandWords(line: string): string[] | undefined {
  const text = normalizePasted(line);
  if (text === '' || text.startsWith('#')) return undefined;
  const words = splitWords(text);
  if (words.length === 0) return undefined;
  if (words[0] === 'docker') return dockerWords(words);
  if (words[0] === 'echo' && words.some((w) => /\/proc\/sys\/net\/ipv[46]\/.*forward/.test(w))) {
    throw new UsageError('the story turns on forwarding inside the container; here that is: forward NAME on', { words, index: 0 }, 'forward TARGET on|off');
  }
  return words;
}

/**
 * The chainmail verb that does what a `docker exec NAME COMMAND...` line of
 * the story does, for the error that refuses it; undefined when there is none.
 */
function verbFor(name: string, command: readonly string[]): string | undefined {
  const text = command.join(' ');
  if (/\/proc\/sys\/net\/ipv[46]\/.*forward/.test(text)) return `forward ${name} on`;
  if (/(^|\s)iptables(\s|$)/.test(text)) return `fw ${name} list|add|del RULE...`;
  if (/(^|\s)ip\s+(-\S+\s+)*r(oute?)?(\s|$)/.test(text)) return `routes ${name}`;
  if (/(^|\s)ip\s+(-\S+\s+)*a(ddr(ess)?)?(\s|$)/.test(text)) return `koro docker ${name} address show`;
  if (/(^|\s)(curl|wget)(\s|$)/.test(text)) return `probe ${name} URL`;
  if (/(^|\s)ping(\s|$)/.test(text)) return `ping ${name} ADDRESS`;
  if (/^(\/bin\/)?(sh|ash|bash)$/.test(text)) return `shell ${name}`;
  // not the same program: exec runs the host's, which sees the host's files; said so, not offered as the same line
  if (command.length > 0) return `shell ${name} (the container's own shell), or exec ${name} -- CMD... (a program of the host in its network namespace)`;
  return undefined;
}

function dockerWords(words: readonly string[]): string[] {
  if (words[1] === 'exec') {
    // docker exec [-it|-d|-e X ...] NAME COMMAND...
    let i = 2;
    while (i < words.length && words[i]!.startsWith('-')) i += ['-e', '--env', '-u', '--user', '-w', '--workdir'].includes(words[i]!) ? 2 : 1;
    const name = words[i];
    const verb = name === undefined ? undefined : verbFor(name, words.slice(i + 1));
    const hint = verb ? `; here that is: ${verb}` : "; use a shell for it (the prompt runs chainmail's verbs: press ? for them)";
    throw new UsageError(`"docker exec" is not run here${hint}`, { words, index: 1 }, usageOf('docker'));
  }
  if (words[1] !== 'kill') {
    const what = words[1] === undefined ? '"docker" alone' : `"docker ${words[1]}"`;
    throw new UsageError(`${what} is not understood here: only "docker kill NAME" is`, { words, index: 1 }, usageOf('docker'));
  }
  // a bare name: the story's containers, or the namespaces of the same names in a demo
  return ['kill', ...words.slice(2)];
}

/**
 * Cuts typed or pasted text at its line ends (\n, \r\n or \r): the complete
 * lines in order, and the unfinished rest after the last line end.
 */
export function splitPaste(text: string): { lines: string[]; rest: string } {
  const lines = text.split(/\r\n|\r|\n/);
  const rest = lines.pop() ?? '';
  return { lines, rest };
}
