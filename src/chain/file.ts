/**
 * Chain files: nodes, the veth links between them and what to check, in YAML.
 *
 *   name: service-chain                 # letters, digits, _ . -
 *   hosts:                              # optional: the machines the chain spans (then every node names its host)
 *     - { name: hostA, address: 192.168.1.10 }        # the underlay address; interface: optional (found by the address)
 *   nodes:                              # each a network namespace (or a Docker container)
 *     - client                          # a bare name, or a mapping:
 *     - name: webserver
 *       serve: { port: 80, body: "<title>hi</title>" }   # an HTTP server in the node; port defaults to 80
 *       image: chainmail-test:busybox   # Docker only
 *       command: [sleep, "2000000"]     # Docker only; a list of words, or one string split on spaces
 *       host: hostA                     # with hosts: the host it runs on
 *   links:                              # veth pairs, NODE:INTERFACE at each end
 *     - [client:link1, firewall:link2, 10.0.1.0/24]                # [A, B, SUBNET]: A gets .1, B .2
 *     - [router:link5, webserver:link6, 10.0.3.1/24, 10.0.3.2/24]  # [A, B, A's ADDRESS, B's ADDRESS]
 *     - { a: firewall:link3, b: router:link4, subnet: 10.0.2.0/24 }
 *     - { a: x:eth1, b: y:eth1, addresses: [2001:db8::1/64, 2001:db8::2/64] }
 *     - { a: x:eth2, b: z:eth1, subnet: 10.0.4.0/24, vni: 100, mtu: 1400 }  # across hosts: a vxlan; vni, mtu optional
 *   routes:                             # optional: extra to the derived ones (replacing one to the same place)
 *     - { node: client, to: default, via: 10.0.1.2 }   # to: default | PREFIX | ADDRESS; dev: optional
 *   forwarding: [firewall, router]      # optional: by default every node on two or more links forwards
 *   firewall:                           # optional: rules added to the node's FORWARD chain
 *     - { node: firewall, rule: "-p icmp -j DROP" }    # words split on spaces; a list for words with spaces
 *   probes:                             # optional: what `chain status` checks
 *     - { from: client, http: webserver }              # http: NODE | ADDRESS | URL
 *     - { from: client, ping: 10.0.3.2, expect: fail } # ping: NODE | ADDRESS; expect: ok (default) | fail | HTTP status
 *
 * Mistakes are a ChainFileError naming the file, the line and the field:
 *   examples/x.yaml:7: links[1].a: "firewall" is not a node (nodes: client, router)
 *
 * Each section is read and checked by its own module: file-nodes.ts, file-links.ts,
 * file-routes.ts, file-forwarding.ts (forwarding and firewall), file-probes.ts.
 * Their field tables (CHAIN_FIELDS, NODE_FIELDS, ...) also build the JSON Schema
 * editors use (file-schema.ts, schema/chain-file.schema.json).
 */
import { nearestWord } from '../parse/nearest.js';
import { checkNetnsName } from '../parse/values.js';
import { Fields, isAbsent, parseYamlFile, readText, YamlFileError, type Field, type Source, type YamlFileFormat } from '../parse/yaml-file.js';
import { readInputFile } from '../sys/input-file.js';
import { readFirewall, readForwarding } from './file-forwarding.js';
import { readHosts } from './file-hosts.js';
import { readLinks } from './file-links.js';
import { readNodes } from './file-nodes.js';
import { readProbes } from './file-probes.js';
import { checkRouteLoops, readRoutes } from './file-routes.js';
import { KnownNodes, quote } from './file-values.js';
import type { ChainSpec } from './model.js';

export class ChainFileError extends YamlFileError {}

const CHAIN_FILE: YamlFileFormat = {
  kind: 'chain',
  error: ChainFileError,
  nearestField: (key, known) => nearestWord(key.toLowerCase(), known, key.length <= 3 ? 1 : 2),
};

export function loadChainFile(path: string): ChainSpec {
  return parseChainText(readInputFile(path, CHAIN_FILE.kind), path);
}

/** Pure: the chain a file's text describes, checked. */
export function parseChainText(text: string, fileName: string): ChainSpec {
  const { source, root } = parseYamlFile(text, fileName, CHAIN_FILE);
  return readChain(source, root);
}

// ---------------------------------------------------------------------------
// The chain

export const CHAIN_FIELDS = ['name', 'hosts', 'nodes', 'links', 'routes', 'forwarding', 'firewall', 'probes'] as const;
const CHAIN_SHAPE = 'name, nodes, links (and optionally hosts, routes, forwarding, firewall, probes)';

function readChain(source: Source, root: unknown): ChainSpec {
  if (isAbsent(root)) source.fail(root, '', `the file is empty; a chain file has ${CHAIN_SHAPE}`);
  const top = new Fields(source, { node: root, path: '' }, CHAIN_FIELDS, CHAIN_SHAPE);
  const name = readChainName(source, top.required('name', "the chain's name"));
  const hostsField = top.optional('hosts');
  const hosts = hostsField ? readHosts(source, hostsField) : undefined;
  const nodes = readNodes(source, top.required('nodes', 'the list of nodes'), hosts);
  const links = readLinks(source, top.required('links', 'the list of links, e.g. - [client:link1, firewall:link2, 10.0.1.0/24]'), nodes);
  const known = new KnownNodes(nodes, links);
  const routesField = top.optional('routes');
  const forwardingField = top.optional('forwarding');
  const firewallField = top.optional('firewall');
  const probesField = top.optional('probes');
  const routes = routesField ? readRoutes(source, routesField, known) : [];
  checkRouteLoops(source, nodes, links, routes);
  return {
    name,
    file: source.file,
    nodes,
    links,
    routes: routes.map((r) => r.spec),
    ...(forwardingField ? { forwarding: readForwarding(source, forwardingField, known) } : {}),
    firewall: firewallField ? readFirewall(source, firewallField, known) : [],
    probes: probesField ? readProbes(source, probesField, known) : [],
    ...(hosts ? { hosts } : {}),
  };
}

function readChainName(source: Source, field: Field): string {
  const name = readText(source, field, "the chain's name");
  const valid = checkNetnsName(name);
  if (!valid.ok) source.fail(field.node, field.path, `${quote(name)} is not a valid chain name: ${valid.reason}`);
  return name;
}
