/**
 * The first interface index above every index in use: where chainmail
 * numbers the ends of the veth pairs it makes, each end its own number.
 *
 * Why number them at all: left to the kernel, two fresh namespaces give both
 * ends of a pair made straight into them the same index, and such a pair
 * loses its first IPv6 neighbour solicitation, so the first reply comes a
 * second late (the kernel's link watcher takes the carrier change of a
 * device whose index equals its peer's as not urgent). Made in the host and
 * moved, a pair keeps two different indexes, but each move is slow (docs/performance.md).
 */
export function firstFreeIfindex(inUse: Iterable<{ ifindex: number }>): number {
  let highest = 1;
  for (const i of inUse) if (i.ifindex > highest) highest = i.ifindex;
  return highest + 1;
}
