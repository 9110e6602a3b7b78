import { assignedAddresses } from './ip-json.js';
import type { EndRef, Interface, TargetState, TopologyLink } from './model.js';

interface Located {
  target: TargetState;
  iface: Interface;
}

function endOf({ target, iface }: Located): EndRef {
  return { target: target.ns.label, ifname: iface.name, addresses: assignedAddresses(iface) };
}

/**
 * Pure: finds every link among the interfaces of all targets.
 *
 * A veth end names its peer by name when both ends share a namespace, and
 * otherwise by ifindex plus a namespace id that only means something inside
 * the namespace that reported it. Ifindexes repeat across namespaces (a pair
 * made in place is often 2 <-> 2), so a cross-namespace pair is taken only
 * when it is certain: both ends point at each other, the ids agree with the
 * names of `ip netns` namespaces where those are known, and exactly one
 * candidate is left. Otherwise the end is shown without a peer rather than
 * with a wrong one.
 */
export function resolveLinks(targets: readonly TargetState[]): TopologyLink[] {
  const all: Located[] = targets.flatMap((target) => target.interfaces.map((iface) => ({ target, iface })));
  const links: TopologyLink[] = [];
  const paired = new Set<Located>();

  for (const here of all) {
    const { iface } = here;
    if (iface.kind === 'veth') {
      if (paired.has(here)) continue;
      const peer = findVethPeer(here, all, paired);
      paired.add(here);
      if (peer) paired.add(peer);
      links.push({ kind: 'veth', a: endOf(here), ...(peer ? { b: endOf(peer) } : {}) });
    } else if (iface.kind === 'vxlan' || iface.kind === 'vlan' || iface.kind === 'macvlan') {
      const parent = findParent(here, all);
      links.push({
        kind: iface.kind,
        a: endOf(here),
        ...(parent ? { b: endOf(parent) } : {}),
        ...(iface.vxlan
          ? {
              vni: iface.vxlan.vni,
              ...(iface.vxlan.remote ? { remote: iface.vxlan.remote } : {}),
              ...(iface.vxlan.port !== undefined ? { port: iface.vxlan.port } : {}),
            }
          : {}),
        ...(iface.vlanId !== undefined ? { vlanId: iface.vlanId } : {}),
        ...(iface.macvlanMode ? { mode: iface.macvlanMode } : {}),
      });
    }
  }
  return links;
}

function findVethPeer(here: Located, all: readonly Located[], paired: Set<Located>): Located | undefined {
  const { target, iface } = here;
  if (iface.linkName !== undefined) {
    return all.find((o) => o.target === target && o.iface.name === iface.linkName && o.iface.kind === 'veth');
  }
  if (iface.linkIndex === undefined) return undefined;
  const candidates = all.filter(
    (o) =>
      o.target !== target &&
      o.iface.kind === 'veth' &&
      o.iface.ifindex === iface.linkIndex &&
      o.iface.linkIndex === iface.ifindex &&
      o.iface.linkNetnsId !== undefined &&
      namedAs(target, iface.linkNetnsId, o.target) &&
      namedAs(o.target, o.iface.linkNetnsId, target),
  );
  // ambiguity is a property of the data, so it is judged before looking at what is paired
  return candidates.length === 1 && !paired.has(candidates[0]!) ? candidates[0] : undefined;
}

/** False only when `from` knows the namespace behind `nsid` by a name that is not `to`'s. */
function namedAs(from: TargetState, nsid: number | undefined, to: TargetState): boolean {
  const name = nsid === undefined ? undefined : from.netnsIds?.[nsid];
  return name === undefined || to.ns.netnsName === name;
}

/**
 * The parent of a vxlan, vlan or macvlan: by name in the same namespace, or,
 * once moved out of the parent's namespace, by ifindex elsewhere (usually the
 * host). A moved vxlan names its parent "if<N>", N being that ifindex.
 */
function findParent(here: Located, all: readonly Located[]): Located | undefined {
  const { target, iface } = here;
  const name = iface.kind === 'vxlan' ? (iface.vxlan?.parent ?? iface.linkName) : iface.linkName;
  const sameNs = name === undefined ? undefined : all.find((o) => o.target === target && o.iface.name === name);
  if (sameNs) return sameNs;
  const byIndex = /^if(\d+)$/.exec(name ?? '');
  const index = byIndex ? Number(byIndex[1]) : iface.kind === 'vxlan' ? undefined : iface.linkIndex;
  if (index === undefined) return undefined;
  const candidates = all.filter((o) => o.target !== target && o.iface.ifindex === index);
  return candidates.find((o) => o.target.ns.kind === 'host') ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/**
 * Pure: the targets whose namespace ids need their names (`ip netns list-id`)
 * for resolveLinks to pair exactly as it would with every target's names.
 * A veth end with one candidate peer needs none: every named namespace is
 * read, so the true peer, were it in one, would be a candidate too. Names
 * matter only where an end has two candidates or more, and everywhere when a
 * read failed (the true peer may be in the namespace not read). Reading the
 * names costs a lookup of every namespace on the host, in each namespace
 * that asks: hundreds of namespaces each naming hundreds.
 */
export function targetsNeedingNetnsIds(targets: readonly TargetState[]): TargetState[] {
  const crossVeth = (iface: Interface) => iface.kind === 'veth' && iface.linkName === undefined && iface.linkIndex !== undefined;
  if (targets.some((t) => t.error !== undefined)) return targets.filter((t) => t.error === undefined && t.interfaces.some(crossVeth));
  const byIndex = new Map<number, Located[]>();
  for (const target of targets) {
    for (const iface of target.interfaces) {
      if (iface.kind !== 'veth' || iface.linkNetnsId === undefined) continue;
      const list = byIndex.get(iface.ifindex);
      if (list) list.push({ target, iface });
      else byIndex.set(iface.ifindex, [{ target, iface }]);
    }
  }
  const needed = new Set<TargetState>();
  for (const target of targets) {
    for (const iface of target.interfaces) {
      if (!crossVeth(iface)) continue;
      const candidates = (byIndex.get(iface.linkIndex!) ?? []).filter((o) => o.target !== target && o.iface.linkIndex === iface.ifindex);
      if (candidates.length < 2) continue;
      needed.add(target);
      for (const c of candidates) needed.add(c.target);
    }
  }
  return targets.filter((t) => needed.has(t));
}
