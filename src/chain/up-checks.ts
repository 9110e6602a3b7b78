/**
 * What `chain up` asks before its first change, beyond the file itself:
 * whether iptables takes the rules it will add, and (Docker) whether the
 * engine has or can pull every image. A refusal names the file's line.
 */
import { ChainmailError, EXIT_FAILED, EXIT_USAGE } from '../errors.js';
import type { CommandContext } from '../host/context.js';
import { firstRefusedRule } from '../net/rule-check.js';
import { engineReason } from '../targets/docker.js';
import { DEFAULT_IMAGE } from './apply-up.js';
import { ChainFileError } from './file.js';
import { ruleLocation } from './file-forwarding.js';
import { imageLocation } from './file-nodes.js';
import type { ChainOptions, ChainSpec, NodeSpec } from './model.js';
import type { UpAction } from './plan-up.js';

/**
 * The firewall rules up is about to add, given to iptables first (in a
 * namespace of its own, net/rule-check.ts): a rule it refuses is the file's
 * mistake, named by its line, and nothing has been changed yet.
 */
export async function checkRulesFirst(spec: ChainSpec, actions: readonly UpAction[]): Promise<void> {
  const rules = actions.filter((a): a is Extract<UpAction, { kind: 'add-rule' }> => a.kind === 'add-rule');
  const refused = await firstRefusedRule(rules.map((r) => r.rule));
  if (!refused) return;
  const rule = rules[refused.index]!;
  const text = rule.rule.join(' ');
  const index = spec.firewall.findIndex((r) => r.node === rule.node && r.rule.join(' ') === text);
  const at = index >= 0 ? ruleLocation(spec.firewall[index]!) : undefined;
  const problem = `iptables refuses "${text}": ${refused.said}; nothing was changed`;
  if (spec.file !== undefined) throw new ChainFileError(spec.file, at?.line ?? 1, at?.field ?? `firewall[${Math.max(index, 0)}].rule`, problem);
  throw new ChainmailError(`firewall rule for ${rule.node}: ${problem}`, EXIT_USAGE);
}

/**
 * Docker: every image a container is to be made from is there (pulled now
 * if not) before the first container is made; one the engine cannot get is
 * named by its line when the file gave it.
 */
export async function checkImagesFirst(spec: ChainSpec, actions: readonly UpAction[], options: ChainOptions, ctx: CommandContext): Promise<void> {
  const made = new Set(actions.flatMap((a) => (a.kind === 'create-node' ? [a.node] : [])));
  const images = new Map<string, NodeSpec | undefined>();
  for (const node of spec.nodes) {
    if (!made.has(node.name)) continue;
    const image = options.image ?? node.image ?? DEFAULT_IMAGE;
    if (!images.has(image)) images.set(image, options.image === undefined && node.image !== undefined ? node : undefined);
  }
  for (const [image, node] of images) {
    try {
      await ctx.docker.ensureImage(image);
    } catch (err) {
      const problem = `Docker cannot get the image "${image}": ${engineReason(err)}; nothing was changed`;
      const at = node ? imageLocation(node) : undefined;
      if (at && spec.file !== undefined) throw new ChainFileError(spec.file, at.line, at.field, problem);
      throw new ChainmailError(problem, EXIT_FAILED);
    }
  }
}
