/**
 * What may stand in a FORWARD rule given to `fw` or a chain file: matches and
 * a target. chainmail supplies the table and chain itself, so words that
 * would pick another table or chain, act on several rules, or name a program
 * to run (--modprobe) are refused. iptables also reads options glued to
 * their values (-tmangle), bundled (-vtmangle) and long ones abbreviated
 * (--tab), so single-dash words must stand alone and long ones are checked
 * as prefixes.
 */
const FORBIDDEN_SHORT = 'tAIDRFXNPEZLSCM';
const FORBIDDEN_LONG = [
  '--table',
  '--append',
  '--insert',
  '--delete',
  '--delete-chain',
  '--replace',
  '--flush',
  '--new-chain',
  '--policy',
  '--rename-chain',
  '--zero',
  '--list',
  '--list-rules',
  '--check',
  '--modprobe',
];

/** Why a word may not stand in a rule, or undefined when it may. */
export function ruleWordProblem(word: string): string | undefined {
  if (/[\x00-\x1f\x7f]/.test(word)) return `${JSON.stringify(word)}: rule words must not contain control characters`;
  if (word.startsWith('--')) {
    const name = word.split('=')[0]!;
    if (name.length >= 3 && FORBIDDEN_LONG.some((long) => long.startsWith(name))) {
      return `"${word}" is not allowed in a rule: rules go to the FORWARD chain of the filter table`;
    }
    return undefined;
  }
  if (word.length < 2 || word[0] !== '-' || /^-\d/.test(word)) return undefined;
  if (word.length > 2) return `"${word}": write each option apart from its value (e.g. -p tcp, not -ptcp)`;
  if (FORBIDDEN_SHORT.includes(word[1]!)) {
    return `"${word}" is not allowed in a rule: rules go to the FORWARD chain of the filter table`;
  }
  return undefined;
}
