import type { Route } from '../topology/read.js';
import { renderTable } from './table.js';

/** Pure: a route table in iproute2's words, one route a line. */
export function renderRoutes(routes: readonly Route[]): string[] {
  if (routes.length === 0) return ['(no routes)'];
  return renderTable(
    ['family', 'destination', 'via', 'dev', 'proto', 'scope', 'src'],
    routes.map((r) => [`ipv${r.family}`, r.dst, r.gateway ?? '-', r.dev ?? '-', r.protocol ?? '-', r.scope ?? '-', r.prefsrc ?? '-']),
  );
}
