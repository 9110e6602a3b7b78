import type { ExportCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { deriveChain } from '../chain/derive.js';
import { exportChain, exportTopology } from '../chain/export.js';
import { discoverTopology } from '../topology/discover.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export async function runExport(cmd: ExportCommand, ctx: CommandContext): Promise<CommandResult> {
  const options = cmd.image !== undefined ? { image: cmd.image } : {};
  const text = cmd.live
    ? exportTopology(await discoverTopology(ctx.docker), cmd.format, options)
    : exportChain(deriveChain(loadChainFile(cmd.file!)), cmd.format, options);
  return { ok: true, lines: [text.replace(/\n$/, '')], json: text };
}
