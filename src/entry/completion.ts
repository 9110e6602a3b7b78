/**
 * Shell completion: `chainmail completion bash|zsh|fish` prints a script
 * that, at each Tab, runs the hidden `chainmail __complete WORDS...` and
 * offers what it prints, one word a line (a last line `:files` asks the shell
 * for file names too). The words come from the verb table and the prompt's
 * completion rules (ui/completion.ts), so the shell and the prompt offer the
 * same; target and interface names come from a read of the host as `ls`
 * makes it, only as root and only where a target is typed.
 */
import { USAGE, VERBS, verbInfo } from '../parse/verb-table.js';
import { wordsFor, type CompletionContext } from '../ui/completion.js';
import { hasNetworkPrivilege } from '../sys/privilege.js';
import { createContext } from '../host/context.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;

/** What the program takes before a verb, and the words that are not verbs of the table. */
const PROGRAM_OPTIONS = ['--help', '--version', '--no-color'];
const FIRST_WORDS = [...VERBS, 'help', 'version', 'completion'];
/** The verbs whose words name targets (and their interfaces). */
const TARGET_VERBS = ['koko', 'koro', 'forward', 'fw', 'routes', 'ping', 'probe', 'kill', 'link'];
const NO_TARGETS: CompletionContext = { targets: [], interfaces: {} };

export interface ShellOffer {
  words: string[];
  /** The shell adds file names (chain and tutorial files). */
  files: boolean;
}

/** The words after `chainmail`, the last one being typed (possibly empty). Pure. */
export function shellOffer(input: readonly string[], ctx: CompletionContext, tutorials: readonly string[] = []): ShellOffer {
  const words = [...input];
  const partial = words.pop() ?? '';
  // the program's own options before the verb, and `--`, are not the verb
  while (words.length && (PROGRAM_OPTIONS.includes(words[0]!) || words[0] === '--')) words.shift();
  const starting = (list: readonly string[], files = false): ShellOffer => ({ words: list.filter((w) => w.startsWith(partial)), files });
  const [verb, ...args] = words;
  const previous = words.at(-1);
  if (verb === undefined) return starting(partial.startsWith('-') ? PROGRAM_OPTIONS : FIRST_WORDS);
  if (verb === 'help') return starting(args.length === 0 ? VERBS : []);
  if (verb === 'completion') return starting(args.length === 0 ? SHELLS : []);
  if (!Object.hasOwn(USAGE, verb)) return starting([]);
  const options = verbInfo(verb)!.options;
  if (previous === '--format') return starting(verb === 'export' ? ['containerlab', 'mermaid', 'json', 'kubernetes'] : ['json', 'table']);
  if (previous === '--policy') return starting(['bypass', 'reattach']);
  if (previous === '--image' || previous === '--delay' || previous === '--timeout' || previous === '--count' || previous === '--as' || previous === '--dead')
    return starting([]);
  if (partial.startsWith('--')) return starting(options);
  // a FILE (or, for tutorial, a name) once the verb's other words are there
  const operands = args.filter((w) => !w.startsWith('-'));
  if (verb === 'chain') return operands.length === 0 ? starting(['up', 'status', 'heal', 'down']) : starting([], operands.length === 1);
  if (verb === 'export') return starting([], operands.length === 0 && !args.includes('--live'));
  if (verb === 'pingall') return starting([], operands.length === 0 && !args.includes('--live'));
  if (verb === 'tutorial') return operands.length === 0 ? starting(tutorials, true) : starting([]);
  return { words: wordsFor(words, partial, ctx), files: false };
}

/** Whether the word being typed can name a target or an interface: only then is the host read. */
function wantsLiveNames(input: readonly string[]): boolean {
  const verb = input.find((w) => !PROGRAM_OPTIONS.includes(w) && w !== '--');
  return input.length > 1 && verb !== undefined && TARGET_VERBS.includes(verb) && !(input.at(-1) ?? '').startsWith('-');
}

/**
 * Target names (named namespaces, containers, host) and the interfaces of
 * the targets the line names already: the part of `ls`'s read a Tab needs,
 * so that it stays quick on a host with many namespaces. None without root,
 * or when the read is slow.
 */
async function liveNames(input: readonly string[]): Promise<CompletionContext> {
  if (!hasNetworkPrivilege()) return NO_TARGETS;
  const [{ listNetnsNames, netnsNamespace, containerNamespace }, { hostNamespace }, { readInterfaces }] = await Promise.all([
    import('../targets/resolve.js'),
    import('../targets/namespace.js'),
    import('../topology/read.js'),
  ]);
  const read = async (): Promise<CompletionContext> => {
    const [names, containers] = await Promise.all([
      listNetnsNames(),
      createContext()
        .docker.list()
        .catch(() => []),
    ]);
    const namespaces = new Map([
      ['host', hostNamespace()],
      ...names.map((n) => [n, netnsNamespace(n)] as const),
      ...containers.filter((c) => c.running).map((c) => [c.name, containerNamespace(c.name, c.id, c.pid)] as const),
    ]);
    // the targets named so far: a word of the line, or the part of a koko endpoint before its comma
    const named = new Set(input.flatMap((w) => [w, w.split(',')[0]!]).filter((w) => namespaces.has(w)));
    const interfaces = Object.fromEntries(
      await Promise.all([...named].map(async (n) => [n, (await readInterfaces(namespaces.get(n)!).catch(() => [])).map((i) => i.name)] as const)),
    );
    return { targets: [...new Set(['host', ...names, ...containers.map((c) => c.name)])], interfaces };
  };
  const timeout = new Promise<CompletionContext>((resolve) => setTimeout(() => resolve(NO_TARGETS), 3000).unref());
  return Promise.race([read().catch(() => NO_TARGETS), timeout]);
}

/** `chainmail __complete WORDS...`: the offer, one word a line. */
export async function runComplete(input: readonly string[]): Promise<number> {
  const ctx = wantsLiveNames(input) ? await liveNames(input) : NO_TARGETS;
  const tutorials = input.includes('tutorial') ? await builtinTutorials() : [];
  const offer = shellOffer(input, ctx, tutorials);
  const lines = [...offer.words, ...(offer.files ? [':files'] : [])];
  if (lines.length) process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

async function builtinTutorials(): Promise<string[]> {
  try {
    return (await import('../tutorial/file.js')).builtinNames();
  } catch {
    return [];
  }
}

/** `chainmail completion SHELL`. */
export function printCompletionScript(shellName: string | undefined): number {
  if (shellName === undefined || !(SHELLS as readonly string[]).includes(shellName)) {
    const got = shellName === undefined ? 'missing the shell' : `no completion for "${shellName}"`;
    process.stderr.write(`chainmail: ${got}: chainmail completion bash|zsh|fish\n`);
    return 2;
  }
  process.stdout.write(completionScript(shellName as (typeof SHELLS)[number]));
  return 0;
}

export function completionScript(shellName: (typeof SHELLS)[number]): string {
  return { bash: BASH, zsh: ZSH, fish: FISH }[shellName];
}

// The scripts run the program the user typed (a path or a name on PATH) with the words so far.

const BASH = `# chainmail completion for bash. Load it with
#   source <(chainmail completion bash)
# or save it as ~/.local/share/bash-completion/completions/chainmail
_chainmail() {
  local cur=\${COMP_WORDS[COMP_CWORD]} line files=0
  COMPREPLY=()
  while IFS= read -r line; do
    if [[ $line == :files ]]; then files=1; else COMPREPLY+=("$line"); fi
  done < <("\${COMP_WORDS[0]}" __complete "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)
  if (( files )); then
    compopt -o filenames 2>/dev/null
    while IFS= read -r line; do COMPREPLY+=("$line"); done < <(compgen -f -- "$cur")
  fi
  # a koko endpoint goes on after its comma: client, then its interface
  if (( \${#COMPREPLY[@]} == 1 )) && [[ \${COMPREPLY[0]} == *, ]]; then compopt -o nospace 2>/dev/null; fi
  return 0
}
complete -F _chainmail chainmail
`;

const ZSH = `#compdef chainmail
# chainmail completion for zsh. Load it with
#   source <(chainmail completion zsh)
# or save it as _chainmail in a directory of your $fpath
_chainmail() {
  local -a lines goes ends
  local line files=0
  lines=("\${(@f)$("\${words[1]}" __complete "\${(@)words[2,CURRENT]}" 2>/dev/null)}")
  for line in "\${lines[@]}"; do
    if [[ $line == :files ]]; then files=1
    elif [[ $line == *, ]]; then goes+=("$line")
    elif [[ -n $line ]]; then ends+=("$line"); fi
  done
  (( \${#goes} )) && compadd -S '' -- "\${goes[@]}"
  (( \${#ends} )) && compadd -- "\${ends[@]}"
  (( files )) && _files
  return 0
}
if [[ "\${funcstack[1]}" == _chainmail ]]; then
  _chainmail "$@"
else
  compdef _chainmail chainmail
fi
`;

const FISH = `# chainmail completion for fish. Load it with
#   chainmail completion fish | source
# or save it as ~/.config/fish/completions/chainmail.fish
function __chainmail_complete
    set -l words (commandline -opc) (commandline -ct)
    for line in ($words[1] __complete $words[2..-1] 2>/dev/null)
        if test "$line" = :files
            __fish_complete_path (commandline -ct)
        else
            echo $line
        end
    end
end
complete -c chainmail -f -a '(__chainmail_complete)'
`;
