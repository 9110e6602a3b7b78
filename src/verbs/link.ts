import { ChainmailError, EXIT_USAGE } from '../errors.js';
import type { LinkCommand } from '../parse/verbs.js';
import { droppedWithLink, restoreLines, routeSummary, type DroppedWithLink, type RestoreLine } from '../plan/link-restore.js';
import { run } from '../sys/exec.js';
import { ipIn, namespaceIdentity, type Namespace } from '../targets/namespace.js';
import { withTargetLocks } from '../targets/target-lock.js';
import { readNodeState, type NodeState } from '../topology/read.js';
import type { CommandContext, CommandResult } from '../host/context.js';
import { dropLinkNote, keepLinkNote, readLinkNote, type LinkNote } from './link-notes.js';

/**
 * `link TARGET IF down|up`: one end of a link set administratively down or
 * up, as Mininet's `link a b down` does. The interface must exist: an unknown
 * name is refused before anything runs, naming the target's interfaces.
 * Unlike Mininet's, an end set up again gets back what the kernel dropped
 * when it went down (its routes, its IPv6 addresses): down notes them.
 */
export async function runLink(cmd: LinkCommand, ctx: CommandContext): Promise<CommandResult> {
  const ns = await ctx.resolve(cmd.target);
  if (ns.kind === 'host') throw new ChainmailError('link sets an end inside a container or namespace, not on the host', EXIT_USAGE);
  return withTargetLocks([ns], async () => {
    const before = await readNodeState(ns);
    const iface = before.interfaces.find((i) => i.name === cmd.ifname);
    if (!iface) {
      const names = before.interfaces.map((i) => i.name).filter((n) => n !== 'lo');
      throw new ChainmailError(
        `${ns.label} has no interface "${cmd.ifname}"${names.length ? ` (it has ${names.join(', ')})` : ' (it has none but lo)'}; nothing was changed`,
        EXIT_USAGE,
      );
    }
    // undefined when the namespace went meanwhile: then there is nothing to keep a note in
    const identity = await namespaceIdentity(ns.path);
    const was = iface.adminUp ? 'up' : 'down';
    if (was !== cmd.state) {
      await ctx.execute([{ describe: `set ${ns.label}:${cmd.ifname} ${cmd.state}`, argv: ipIn(ns, ['link', 'set', 'dev', cmd.ifname, cmd.state]) }]);
    }
    // read again only when something changed
    const after = was !== cmd.state ? await readNodeState(ns) : before;
    return cmd.state === 'down' ? await setDown(cmd, ns, identity, was, before, after) : await setUp(cmd, ns, identity, was, after);
  });
}

const where = (ns: Namespace, cmd: LinkCommand) => `${ns.label}:${cmd.ifname}`;
const adminState = (state: NodeState, ifname: string) => (state.interfaces.find((i) => i.name === ifname)?.adminUp ? 'up' : 'down');
const operState = (state: NodeState, ifname: string) => state.interfaces.find((i) => i.name === ifname)?.state;

function droppedWords(d: DroppedWithLink): string[] {
  return [...d.addresses.map((a) => `address ${a.address}/${a.prefix}`), ...d.routes.map((r) => `route ${routeSummary(r)}`)];
}

async function setDown(cmd: LinkCommand, ns: Namespace, identity: string | undefined, was: string, before: NodeState, after: NodeState): Promise<CommandResult> {
  const state = adminState(after, cmd.ifname);
  const ok = state === 'down';
  if (was === 'down') {
    return {
      ok,
      lines: [`${ok ? '✓' : '✗'} ${where(ns, cmd)} is ${state} (it was already)`],
      json: { ok, target: ns.label, ifname: cmd.ifname, state, was, operstate: operState(after, cmd.ifname) },
    };
  }
  const dropped = droppedWithLink(cmd.ifname, before, after);
  const lost = droppedWords(dropped);
  const lines = [`${ok ? '✓' : '✗'} ${where(ns, cmd)} is ${state} (was ${was})`];
  // kept even when empty: up then knows this down was seen, and has nothing to warn of
  const kept = identity !== undefined ? await keepNote(ns, identity, cmd.ifname, before, dropped) : 'the namespace went meanwhile';
  if (kept !== true) lines.push(`  could not keep a note of what the kernel dropped (${kept}): link ${ns.label} ${cmd.ifname} up will not put it back`);
  else if (lost.length) lines.push(`  the kernel dropped with it: ${lost.join(', ')}; link ${ns.label} ${cmd.ifname} up puts them back`);
  return { ok, lines, json: { ok, target: ns.label, ifname: cmd.ifname, state, was, operstate: operState(after, cmd.ifname), dropped: lost } };
}

/** Keeps the note; true, or why it could not (a read-only or full /var/run). */
async function keepNote(ns: Namespace, identity: string, ifname: string, before: NodeState, dropped: DroppedWithLink): Promise<true | string> {
  const iface = before.interfaces.find((i) => i.name === ifname)!;
  try {
    await keepLinkNote(ifname, { path: ns.path, identity, ifindex: iface.ifindex, ...(iface.mac ? { mac: iface.mac } : {}), dropped });
    return true;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** The note of this very interface: one of a namespace or link made again under the same inode or name is not. */
async function noteOf(identity: string | undefined, ifname: string, now: NodeState): Promise<LinkNote | undefined> {
  if (identity === undefined) return undefined;
  const note = await readLinkNote(identity, ifname);
  const iface = now.interfaces.find((i) => i.name === ifname);
  if (note && iface && note.ifindex === iface.ifindex && note.mac === iface.mac) return note;
  if (note) await dropLinkNote(identity, ifname);
  return undefined;
}

async function setUp(cmd: LinkCommand, ns: Namespace, identity: string | undefined, was: string, after: NodeState): Promise<CommandResult> {
  let now = after;
  const note = await noteOf(identity, cmd.ifname, now);
  // on an end that was up already, only what an earlier up could not put back is tried again: a route
  // removed on purpose since a heal brought the end up stays removed
  const wanted = note && adminState(now, cmd.ifname) === 'up' && (was === 'down' || note.partial);
  const missing: RestoreLine[] = wanted ? restoreLines(cmd.ifname, note.dropped, now) : [];
  let notBack: RestoreLine[] = [];
  if (missing.length) {
    // -force: each line on its own, so one that fails (its gateway gone meanwhile) does not keep the others out
    await run(ipIn(ns, ['-force', '-batch', '-']), { input: missing.map((l) => l.text).join('\n') + '\n' });
    now = await readNodeState(ns);
    const still = new Set(restoreLines(cmd.ifname, note!.dropped, now).map((l) => l.text));
    notBack = missing.filter((l) => still.has(l.text));
  }
  const state = adminState(now, cmd.ifname);
  if (note && identity !== undefined && state === 'up') {
    // an end that did not come up keeps its note as it is: nothing of it was put back yet
    if (notBack.length === 0) await dropLinkNote(identity, cmd.ifname);
    else await keepLinkNote(cmd.ifname, { ...note, partial: true }).catch(() => undefined);
  }
  const ok = state === 'up' && notBack.length === 0;
  const back = missing.filter((l) => !notBack.includes(l)).map((l) => l.what);
  const lines = [`${state === 'up' ? '✓' : '✗'} ${where(ns, cmd)} is ${state} (${was === 'up' ? 'it was already' : `was ${was}`})`];
  if (back.length) lines.push(`  put back what the kernel dropped with it: ${back.join(', ')}`);
  if (notBack.length) lines.push(`✗ could not put back ${notBack.map((l) => l.what).join(', ')}: koro ... add them, or chain heal a chain`);
  else if (!note && was === 'down') lines.push('  it was set down by something else: the routes the kernel dropped with it are not known (chain heal or koro route add)');
  return {
    ok,
    lines,
    json: { ok, target: ns.label, ifname: cmd.ifname, state, was, operstate: operState(now, cmd.ifname), restored: back, notRestored: notBack.map((l) => l.what) },
  };
}
