import type { RoutesCommand } from '../parse/verbs.js';
import { readRoutes } from '../topology/read.js';
import { renderRoutes } from '../render/routes.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export async function runRoutes(cmd: RoutesCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  const routes = await readRoutes(ns);
  return { ok: true, lines: [`routes of ${ns.label}:`, ...renderRoutes(routes)], json: { target: ns.label, routes } };
}
