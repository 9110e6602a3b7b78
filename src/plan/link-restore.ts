/**
 * Pure: what the kernel drops when an interface is set down, and the
 * `ip -batch` lines that put it back. Down removes every route over the
 * interface (both families) and its IPv6 addresses; up brings back only the
 * kernel's own (link-local addresses, connected routes). `link down` keeps a
 * note of the rest, so that `link up` can put back what is still missing.
 */
import type { Interface } from '../topology/model.js';
import type { Route } from '../topology/read.js';

/** What one interface lost when it was set down. */
export interface DroppedWithLink {
  addresses: Array<{ address: string; prefix: number }>;
  routes: Route[];
}

/** A namespace's interfaces and main routing table, as read before or after a change. */
export interface LinkSide {
  interfaces: readonly Interface[];
  routes: readonly Route[];
}

/** Routes the kernel makes and takes back by itself: connected routes, router advertisements. */
const KERNEL_PROTOCOLS = new Set(['kernel', 'ra']);

const routeKey = (r: Route) => `${r.family} ${r.dst} ${r.gateway ?? ''} ${r.metric ?? ''}`;
const addressKey = (a: { address: string; prefix: number }) => `${a.address}/${a.prefix}`;

function ownRoutes(side: LinkSide, ifname: string): Route[] {
  return side.routes.filter((r) => r.dev === ifname && !KERNEL_PROTOCOLS.has(r.protocol ?? ''));
}

function keptAddresses(side: LinkSide, ifname: string) {
  const iface = side.interfaces.find((i) => i.name === ifname);
  return (iface?.addresses ?? []).filter((a) => a.family === 6 && a.scope !== 'link');
}

/** Pure: what `ifname` held before it was set down and no longer holds after. */
export function droppedWithLink(ifname: string, before: LinkSide, after: LinkSide): DroppedWithLink {
  const addressesAfter = new Set(keptAddresses(after, ifname).map(addressKey));
  const routesAfter = new Set(ownRoutes(after, ifname).map(routeKey));
  return {
    addresses: keptAddresses(before, ifname)
      .filter((a) => !addressesAfter.has(addressKey(a)))
      .map(({ address, prefix }) => ({ address, prefix })),
    routes: ownRoutes(before, ifname).filter((r) => !routesAfter.has(routeKey(r))),
  };
}

/** Pure: `ip route add`'s words for a route as `ip -j route` reported it. */
export function routeWords(r: Route): string {
  // a batch has no -6: an IPv6 default route without a gateway would be read as IPv4's
  const words = [r.family === 6 && r.dst === 'default' ? '::/0' : r.dst];
  if (r.gateway) words.push('via', r.gateway);
  if (r.dev) words.push('dev', r.dev);
  if (r.protocol && r.protocol !== 'boot') words.push('proto', r.protocol);
  if (r.scope && r.scope !== 'global') words.push('scope', r.scope);
  if (r.prefsrc) words.push('src', r.prefsrc);
  if (r.metric !== undefined) words.push('metric', String(r.metric));
  if (r.flags.includes('onlink')) words.push('onlink');
  return words.join(' ');
}

/** One line of the batch that puts things back, and how to name it to a person. */
export interface RestoreLine {
  text: string;
  what: string;
}

/**
 * Pure: the batch lines that put back what `dropped` names and `now` lacks,
 * addresses first (an IPv6 route's gateway is reached through one). An
 * address comes back without duplicate address detection: it was in use
 * already, and a tentative address cannot be a route's source.
 */
export function restoreLines(ifname: string, dropped: DroppedWithLink, now: LinkSide): RestoreLine[] {
  const addressesNow = new Set(keptAddresses(now, ifname).map(addressKey));
  const routesNow = new Set(now.routes.map(routeKey));
  return [
    ...dropped.addresses
      .filter((a) => !addressesNow.has(addressKey(a)))
      .map((a) => ({ text: `addr add ${addressKey(a)} dev ${ifname} nodad`, what: `address ${addressKey(a)}` })),
    ...dropped.routes.filter((r) => !routesNow.has(routeKey(r))).map((r) => ({ text: `route add ${routeWords(r)}`, what: `route ${routeSummary(r)}` })),
  ];
}

/** Pure: a route in the words `ip route` prints it with, without the interface (named once by the caller). */
export function routeSummary(r: Route): string {
  return `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}`;
}
