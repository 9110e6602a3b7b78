/**
 * Which hops of the chain are broken: links seen before that are gone now,
 * except ends this session's own koko deleted on purpose.
 */
import { isChainLink, linkKey, updateBrokenLinks } from '../../render/chain-input.js';
import type { Topology, TopologyLink } from '../../topology/model.js';
import type { SessionStore } from './store.js';

/** A few hundred deletes in a session are plenty to remember. */
const REMEMBERED_DELETES = 256;

export class BrokenLinks {
  private seen = new Map<string, TopologyLink>();
  /** "target:ifname" of ends deleted by this session's own koko: removed on purpose, not broken. */
  private readonly removedOnPurpose = new Set<string>();

  constructor(private readonly store: SessionStore) {}

  /** The broken hops after a read, logging each newly broken one. */
  afterRead(topology: Topology): Map<string, TopologyLink> {
    const before = this.store.state.broken;
    const broken = updateBrokenLinks(before, this.seen, topology, this.removedOnPurpose);
    for (const [key, l] of broken) {
      if (!before.has(key)) this.store.log('bad', `hop ${l.a.target} ↔ ${l.b?.target} broken`);
    }
    this.seen = new Map(topology.links.filter(isChainLink).map((l) => [linkKey(l), l]));
    return broken;
  }

  /** Forgets what was seen: what is drawn is what exists now. */
  forget(): void {
    this.seen = new Map();
    this.store.update({ broken: new Map() });
  }

  /** A link this session's koko deleted is not a broken hop, even if a read saw it go first. */
  deletedOnPurpose(target: string, ifname: string): void {
    const end = `${target}:${ifname}`;
    this.removedOnPurpose.add(end);
    if (this.removedOnPurpose.size > REMEMBERED_DELETES) this.removedOnPurpose.delete(this.removedOnPurpose.values().next().value!);
    const { broken } = this.store.state;
    const kept = new Map([...broken].filter(([, l]) => `${l.a.target}:${l.a.ifname}` !== end && `${l.b?.target}:${l.b?.ifname}` !== end));
    if (kept.size !== broken.size) this.store.update({ broken: kept });
  }
}
