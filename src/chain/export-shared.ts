/**
 * What more than one export format needs: names made safe and unique for the
 * format, and a route's destination as the kernel takes it.
 */
import { formatDestination } from '../parse/koro.js';
import { formatCidr, networkOf } from '../parse/values.js';
import type { DesiredRoute } from './model.js';

/** `default`, or the prefix with host bits cleared (the kernel refuses `10.0.3.7/24` as a route). */
export function routeDestination(route: DesiredRoute): string {
  const d = route.destination;
  return d.kind === 'default' ? formatDestination(d) : formatCidr(networkOf(d.prefix));
}

/**
 * Names made safe for a format, and unique: a second name that comes out the
 * same gets `-2` (or `_2`), and so on. Names not given up front (a link end
 * outside the node list) are added when first asked for.
 */
export class Names {
  private readonly ids = new Map<string, string>();
  private readonly taken = new Set<string>();

  constructor(
    names: readonly string[],
    private readonly safe: (name: string) => string,
    private readonly reserved: ReadonlySet<string>,
    private readonly separator: string,
  ) {
    for (const name of names) this.of(name);
  }

  of(name: string): string {
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const base = this.safe(name);
    let id = base;
    for (let n = 2; this.taken.has(id) || this.reserved.has(id); n++) id = `${base}${this.separator}${n}`;
    this.ids.set(name, id);
    this.taken.add(id);
    return id;
  }

  /** `node "netns red" is "netns-red" here`, for every name that changed. */
  renamedNotes(): string[] {
    return [...this.ids].filter(([name, id]) => name !== id).map(([name, id]) => `node ${JSON.stringify(name)} is ${JSON.stringify(id)} here`);
  }
}
