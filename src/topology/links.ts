import { assignedAddresses } from './ip-json.js';
import type { EndRef, Interface, TargetState, TopologyLink } from './model.js';

interface Located { target: TargetState; iface: Interface }

function endOf({ target, iface }: Located): EndRef {
  return { target: target.ns.label, ifname: iface.name, addresses: assignedAddresses(iface) };
}

/**
 * Pure: finds every link among the interfaces of all targets.
 *
 * A veth end names its peer by name when both ends share a namespace, and
 * otherwise by ifindex plus a namespace id that only means something inside
 * the namespace that reported it. Ids are not comparable across namespaces,
 * so a cross-namespace pair is matched by both ends pointing at each other
 * (A.linkIndex = B.ifindex and B.linkIndex = A.ifindex); that pairing is
 * unique unless two pairs have swapped the very same ifindex values.
 */
export function resolveLinks(targets: readonly TargetState[]): TopologyLink[] {
  const all: Located[] = targets.flatMap((target) => target.interfaces.map((iface) => ({ target, iface })));
  const links: TopologyLink[] = [];
  const paired = new Set<Located>();

  for (const here of all) {
    const { target, iface } = here;
    if (iface.kind === 'veth') {
      if (paired.has(here)) continue;
      const peer = findVethPeer(here, all, paired);
      paired.add(here);
      if (peer) paired.add(peer);
      links.push({ kind: 'veth', a: endOf(here), ...(peer ? { b: endOf(peer) } : {}) });
    } else if (iface.kind === 'vxlan' || iface.kind === 'vlan' || iface.kind === 'macvlan') {
      const parentName = iface.kind === 'vxlan' ? iface.vxlan?.parent ?? iface.linkName : iface.linkName;
      const parent = parentName !== undefined
        ? all.find((o) => o.target === target && o.iface.name === parentName)
        : findByIndexElsewhere(here, all);
      links.push({
        kind: iface.kind,
        a: endOf(here),
        ...(parent ? { b: endOf(parent) } : {}),
        ...(iface.vxlan ? { vni: iface.vxlan.vni, ...(iface.vxlan.remote ? { remote: iface.vxlan.remote } : {}) } : {}),
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
  const candidates = all.filter((o) =>
    o.target !== target && !paired.has(o) && o.iface.kind === 'veth' &&
    o.iface.ifindex === iface.linkIndex && o.iface.linkIndex === iface.ifindex &&
    o.iface.linkNetnsId !== undefined);
  return candidates[0];
}

/** The parent of a vlan/macvlan moved out of its parent's namespace: usually in the host. */
function findByIndexElsewhere(here: Located, all: readonly Located[]): Located | undefined {
  if (here.iface.linkIndex === undefined) return undefined;
  const candidates = all.filter((o) => o.target !== here.target && o.iface.ifindex === here.iface.linkIndex);
  return candidates.find((o) => o.target.ns.kind === 'host') ?? candidates[0];
}
