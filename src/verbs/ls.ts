import type { LsCommand } from '../parse/verbs.js';
import { discoverTopology } from '../topology/discover.js';
import { renderLs } from '../render/ls.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export async function runLs(_cmd: LsCommand, ctx: CommandContext): Promise<CommandResult> {
  const topology = await discoverTopology(ctx.docker);
  const json = {
    targets: topology.targets.map((t) => ({
      name: t.ns.label,
      kind: t.ns.kind,
      status: t.status,
      ...(t.ns.pid ? { pid: t.ns.pid } : {}),
      ...(t.error ? { error: t.error } : {}),
      interfaces: t.interfaces,
    })),
    links: topology.links,
    warnings: topology.warnings,
  };
  return { ok: true, lines: renderLs(topology), json };
}
