/**
 * Asks iptables, before anything is changed, whether it takes FORWARD rules:
 * the same iptables that later adds them (`iptables -A` run in each node)
 * loads them with `iptables-restore` in a network namespace of its own
 * (`unshare --net`), which goes away with the process. `--test` alone would
 * not do: the nf_tables backend finds a missing target (`-j NOPE`) only when
 * the rules are committed.
 */
import { run } from '../sys/exec.js';

/** A rule iptables refused: its index in the list, and what iptables said. */
export interface RefusedRule {
  index: number;
  said: string;
}

/** A word as iptables-restore reads it back: plain, or in double quotes with `"` and `\` escaped. */
export function restoreWord(word: string): string {
  return /^[^\s"'\\#]+$/.test(word) ? word : `"${word.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * Pure: the input of iptables-restore, each rule in a table section of its
 * own (three lines: *filter, the rule, COMMIT), so that an error found at
 * the commit still points at one rule.
 */
export function restoreScript(rules: readonly (readonly string[])[]): string {
  return rules.map((rule) => `*filter\n-A FORWARD ${rule.map(restoreWord).join(' ')}\nCOMMIT\n`).join('');
}

/** Pure: the rule of the script's line (from 1) that iptables-restore named, if any. */
export function ruleAtLine(line: number, count: number): number | undefined {
  const index = Math.floor((line - 1) / 3);
  return line >= 1 && index < count ? index : undefined;
}

/** Pure: iptables-restore's complaint in one line, without its line number and help hint. */
export function restoreComplaint(stderr: string): string {
  const said = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^Error occurred at line|^Try `iptables-restore/.test(l))
    .map((l) => l.replace(/^iptables-restore( v[\d.]+)?( \([^)]*\))?:\s*/, ''))
    .join(' / ');
  return said || 'it was refused without saying why';
}

/**
 * The first rule iptables refuses, or undefined when it takes them all.
 * Nothing outside the throwaway namespace changes. Without iptables on the
 * host every rule is refused (index 0), with the reason.
 */
export async function firstRefusedRule(rules: readonly (readonly string[])[]): Promise<RefusedRule | undefined> {
  if (rules.length === 0) return undefined;
  const r = await run(['unshare', '--net', '--', 'iptables-restore', '-w', '5'], { input: restoreScript(rules), timeoutMs: 30_000 });
  if (r.exitCode === 0) return undefined;
  if (/failed to execute iptables-restore|No such file or directory/.test(r.stderr) && !/Error occurred at line/.test(r.stderr)) {
    return { index: 0, said: 'iptables-restore is not installed here (apt-get install iptables); firewall rules need it' };
  }
  const line = /Error occurred at line: (\d+)/.exec(r.stderr);
  const index = line ? ruleAtLine(Number(line[1]), rules.length) : undefined;
  return { index: index ?? 0, said: restoreComplaint(r.stderr || `exit code ${r.exitCode}`) };
}
