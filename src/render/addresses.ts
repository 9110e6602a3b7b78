import type { Interface } from '../topology/model.js';
import { renderTable } from './table.js';

/** Pure: interfaces with state and every address (what `koro ... address show` prints). */
export function renderAddresses(interfaces: readonly Interface[]): string[] {
  if (interfaces.length === 0) return ['(no interfaces)'];
  return renderTable(
    ['interface', 'kind', 'state', 'mtu', 'addresses'],
    interfaces.map((i) => [
      i.name,
      i.kind,
      i.state === 'UNKNOWN' && i.adminUp ? 'UP' : i.state,
      String(i.mtu),
      i.addresses.map((a) => `${a.address}/${a.prefix}${a.scope === 'link' ? ' (link)' : ''}`).join(', ') || '-',
    ]),
  );
}
