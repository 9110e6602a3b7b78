/**
 * Pure: which qdiscs only carry mirrors onto one interface, so that deleting
 * that interface (koko -D and friends) also removes what its `mirror:` made.
 * koko's mirror adds an ingress qdisc or a root qdisc to the mirrored
 * interface with one filter whose action copies packets onto the new one;
 * left behind, the filter points at nothing and the qdisc refuses the next
 * mirror of that interface.
 */

/** A qdisc whose filters may mirror: an ingress qdisc, or a root qdisc (koko's is htb 1:). */
export interface MirrorCandidate {
  dev: string;
  /** What `tc filter show` and `tc qdisc del` call it: "ingress" or "root". */
  where: 'ingress' | 'root';
  /** The qdisc's handle, for `tc filter show dev D parent HANDLE`. */
  handle: string;
}

interface QdiscJson {
  kind: string;
  handle: string;
  dev: string;
  root?: boolean;
}
interface FilterJson {
  kind?: string;
  options?: { ht_divisor?: number; actions?: Array<{ kind?: string; to_dev?: string }> };
}

/** `tc -j qdisc show` -> the qdiscs on other interfaces that could hold a mirror onto `target`. */
export function mirrorCandidates(qdiscJson: string, target: string): MirrorCandidate[] {
  const text = qdiscJson.trim();
  if (!text) return [];
  return (JSON.parse(text) as QdiscJson[]).flatMap((q): MirrorCandidate[] => {
    if (q.dev === target) return [];
    if (q.kind === 'ingress') return [{ dev: q.dev, where: 'ingress', handle: q.handle }];
    if (q.root === true && q.kind === 'htb') return [{ dev: q.dev, where: 'root', handle: q.handle }];
    return [];
  });
}

/**
 * `tc -j filter show` of one qdisc -> whether it holds filters and every one
 * of them only mirrors onto `target`: then the qdisc exists for that mirror
 * alone, and goes with it. A qdisc with any other filter is someone's own.
 */
export function onlyMirrorsOnto(filterJson: string, target: string): boolean {
  const text = filterJson.trim();
  if (!text) return false;
  const filters = (JSON.parse(text) as FilterJson[]).filter((f) => !isU32Header(f));
  return (
    filters.length > 0 &&
    filters.every((f) => {
      const actions = f.options?.actions ?? [];
      return actions.length > 0 && actions.every((a) => a.kind === 'mirred' && a.to_dev === target);
    })
  );
}

/** u32 lists its hash tables beside its filters: an entry with no options, and one with ht_divisor. */
function isU32Header(f: FilterJson): boolean {
  return f.kind === 'u32' && (f.options === undefined || f.options.ht_divisor !== undefined);
}
