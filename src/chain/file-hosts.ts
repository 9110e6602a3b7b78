/**
 * The chain file's `hosts:` section: the machines a chain spans, each with
 * its name and its underlay address (and optionally the interface holding
 * it). Nodes then name their host; links between nodes on two hosts become
 * vxlan links (chain/hosts.ts).
 */
import { checkInterfaceName, checkNetnsName, parseIp } from '../parse/values.js';
import { Fields, readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { quote } from './file-values.js';
import type { HostSpec } from './model.js';

export const HOST_FIELDS = ['name', 'address', 'interface'] as const;
const HOST_SHAPE = '{ name, address, interface }';

export function readHosts(source: Source, field: Field): HostSpec[] {
  const items = readList(source, field, `hosts, each ${HOST_SHAPE}`);
  if (items.length === 0) source.fail(field.node, field.path, 'is empty; leave it out for a chain on one host');
  const hosts: Array<HostSpec & { path: string; family: 4 | 6 }> = [];
  for (const item of items) {
    const fields = new Fields(source, item, HOST_FIELDS, HOST_SHAPE);
    const nameField = fields.required('name', "the host's name");
    const name = readText(source, nameField, "the host's name");
    const valid = checkNetnsName(name);
    if (!valid.ok) source.fail(nameField.node, nameField.path, `${quote(name)} is not a valid host name: ${valid.reason.replace('namespace name', 'host name')}`);
    const sameName = hosts.find((h) => h.name === name);
    if (sameName) source.fail(nameField.node, nameField.path, `${quote(name)} is already a host (${sameName.path})`);
    const addressField = fields.required('address', "the host's underlay address, e.g. 192.168.1.10");
    const text = readText(source, addressField, 'an address');
    const address = parseIp(text);
    if (!address.ok) source.fail(addressField.node, addressField.path, `${quote(text)} is not an address: ${address.reason}`);
    const sameAddress = hosts.find((h) => h.address === address.value.address);
    if (sameAddress) source.fail(addressField.node, addressField.path, `${address.value.address} is already the address of ${sameAddress.name} (${sameAddress.path})`);
    const first = hosts[0];
    if (first && first.family !== address.value.family) {
      source.fail(
        addressField.node,
        addressField.path,
        `${address.value.address} is IPv${address.value.family}; the hosts' underlay is IPv${first.family} (${first.name})`,
      );
    }
    const interfaceField = fields.optional('interface');
    let iface: string | undefined;
    if (interfaceField) {
      iface = readText(source, interfaceField, 'an interface name');
      const validIf = checkInterfaceName(iface);
      if (!validIf.ok) source.fail(interfaceField.node, interfaceField.path, `${quote(iface)} is not a valid interface name: ${validIf.reason}`);
    }
    hosts.push({ name, address: address.value.address, ...(iface ? { interface: iface } : {}), path: item.path, family: address.value.family });
  }
  return hosts.map(({ name, address, interface: iface }) => ({ name, address, ...(iface ? { interface: iface } : {}) }));
}

/** A node's `host:`: one of the hosts. */
export function readNodeHost(source: Source, field: Field, hosts: readonly HostSpec[] | undefined): string {
  const name = readText(source, field, 'a host name');
  if (!hosts) source.fail(field.node, field.path, 'names a host, but the file has no hosts: section (hosts: [{ name, address }])');
  if (!hosts.some((h) => h.name === name)) source.fail(field.node, field.path, `${quote(name)} is not a host (hosts: ${hosts.map((h) => h.name).join(', ')})`);
  return name;
}
