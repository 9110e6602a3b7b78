/** Which target the UI has selected, as the host changes under it (pure). */
import type { Topology } from '../../topology/model.js';

/** Whether the targets panel's filter shows a target: its label holds the filter's text. */
export function filterShows(filter: string, label: string): boolean {
  return label.includes(filter);
}

/**
 * The selection after a read: kept while its target exists; when it has gone
 * (a namespace deleted, a container removed), the target listed after it
 * before (or before it, when it was the last), so the cursor stays where it
 * was in the targets list rather than jumping to the top. The host, listed
 * last, is taken only when nothing else is left.
 */
export function nextSelection(before: Topology | undefined, now: Topology, selected: string | undefined, filter = ''): string | undefined {
  const present = new Set(now.targets.map((t) => t.ns.label));
  if (selected !== undefined && present.has(selected)) return selected;
  const old = (before?.targets ?? []).filter((t) => t.ns.kind !== 'host').map((t) => t.ns.label);
  const at = selected === undefined ? -1 : old.indexOf(selected);
  // one the targets filter shows, if there is one
  const shown = (l: string) => present.has(l) && filterShows(filter, l);
  if (at >= 0) {
    const near = (ok: (l: string) => boolean) => old.slice(at + 1).find(ok) ?? old.slice(0, at).reverse().find(ok);
    const neighbour = near(shown) ?? near((l) => present.has(l));
    if (neighbour !== undefined) return neighbour;
  }
  const others = now.targets.filter((t) => t.ns.kind !== 'host').map((t) => t.ns.label);
  return others.find(shown) ?? others[0] ?? now.targets[0]?.ns.label;
}
