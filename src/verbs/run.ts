import type { LineCommand } from '../parse/prompt-command.js';
import type { Command } from '../parse/verbs.js';
import type { CommandContext, CommandResult } from '../host/context.js';

/**
 * Runs a parsed command in this process (demo and tutorial open a UI: the
 * entry runs those). Each verb's module is loaded only when used, so a
 * koko call never loads the Docker client or the renderers of other verbs.
 */
export async function runCommand(cmd: LineCommand, ctx: CommandContext): Promise<CommandResult> {
  switch (cmd.verb) {
    case 'koko':
      return (await import('./koko.js')).runKoko(cmd, ctx);
    case 'koro':
      return (await import('./koro.js')).runKoro(cmd, ctx);
    case 'forward':
      return (await import('./forward.js')).runForward(cmd, ctx);
    case 'fw':
      return (await import('./fw.js')).runFw(cmd, ctx);
    case 'ls':
      return (await import('./ls.js')).runLs(cmd, ctx);
    case 'routes':
      return (await import('./routes.js')).runRoutes(cmd, ctx);
    case 'ping':
      return (await import('./health.js')).runPing(cmd, ctx);
    case 'probe':
      return (await import('./health.js')).runProbe(cmd, ctx);
    case 'exec':
      return (await import('./exec.js')).runExec(cmd, ctx);
    case 'kill':
      return (await import('./kill.js')).runKill(cmd, ctx);
    case 'chain':
      return (await import('./chain.js')).runChain(cmd, ctx);
    case 'export':
      return (await import('./export.js')).runExport(cmd, ctx);
    case 'capture':
      return (await import('./capture.js')).runCapture(cmd, ctx);
    case 'link':
      return (await import('./link.js')).runLink(cmd, ctx);
    case 'pingall':
      return (await import('./pingall.js')).runPingall(cmd, ctx);
    case 'batch':
      return (await import('./batch.js')).runBatch(cmd, ctx, runCommand);
  }
}

/** Whether the command asked for machine-readable output. */
export function wantsJson(cmd: Command): boolean {
  return 'json' in cmd && cmd.json === true;
}
