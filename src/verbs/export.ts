import type { ExportCommand } from '../parse/verbs.js';
import { loadChainFile } from '../chain/file.js';
import { deriveChain } from '../chain/derive.js';
import { hostPart } from '../chain/hosts.js';
import { UsageError } from '../errors.js';
import { exportChain, exportTopology } from '../chain/export.js';
import { discoverTopology } from '../topology/discover.js';
import type { CommandContext, CommandResult } from '../host/context.js';

export async function runExport(cmd: ExportCommand, ctx: CommandContext): Promise<CommandResult> {
  const options = cmd.image !== undefined ? { image: cmd.image } : {};
  const text = cmd.live ? exportTopology(await discoverTopology(ctx.docker), cmd.format, options) : exportFile(cmd, options);
  return { ok: true, lines: [text.replace(/\n$/, '')], json: text };
}

/**
 * A chain file; one across hosts, for containerlab, as one lab per host (the
 * host of --as, or every host, as YAML documents one after another).
 */
function exportFile(cmd: ExportCommand, options: { image?: string }): string {
  const spec = loadChainFile(cmd.file!);
  const desired = deriveChain(spec);
  if (cmd.as !== undefined && !spec.hosts?.some((h) => h.name === cmd.as)) {
    throw new UsageError(
      `--as ${cmd.as}: ${spec.hosts ? `not a host of chain ${spec.name} (hosts: ${spec.hosts.map((h) => h.name).join(', ')})` : `chain ${spec.name} names no hosts`}`,
    );
  }
  if (!spec.hosts || cmd.format !== 'containerlab') return exportChain(desired, cmd.format, options);
  const hosts = spec.hosts.filter((h) => cmd.as === undefined || h.name === cmd.as);
  return hosts.map((h) => exportChain(hostPart(desired, h.name), 'containerlab', { ...options, host: h.name })).join('---\n');
}
