/**
 * The JSON Schema of chain files (schema/chain-file.schema.json, written by
 * scripts/file-schemas.mjs): for editors, to complete and check a chain file
 * as it is typed. Built on the loader's own field tables, so a field the
 * loader knows and the schema does not describe fails the type check.
 *
 * What needs more than one field at a time (a link's node must be in
 * nodes:, subnets must not overlap, a gateway must be a neighbour) only the
 * loader checks; test/support/file-schemas.ts lists those cases.
 */
import { DRAFT_07, given, mapping, NOT_BLANK, orNull, text, TEXT, whole, type JsonSchema } from '../parse/json-schema.js';
import { ADDRESS, IMAGE, INTERFACE_NAME, LINK_CIDR, LINK_END, NETNS_NAME, NODE_NAME, ROUTE_DESTINATION } from '../parse/value-patterns.js';
import { CHAIN_FIELDS } from './file.js';
import { HOST_FIELDS } from './file-hosts.js';
import { LINK_FIELDS } from './file-links.js';
import { NODE_FIELDS, SERVE_FIELDS } from './file-nodes.js';
import { FIREWALL_FIELDS } from './file-forwarding.js';
import { PROBE_FIELDS } from './file-probes.js';
import { ROUTE_FIELDS } from './file-routes.js';

const NODE = { pattern: whole(NODE_NAME), message: 'a node name: letters, digits, _ . - (starting with a letter or digit), not an address' };
const nodeName = (description: string) => text(description, NODE);

/** A list of words, or one string split on spaces (readWords). */
function words(description: string): JsonSchema {
  return {
    description,
    type: [...TEXT, 'array'],
    pattern: NOT_BLANK.pattern,
    patternErrorMessage: NOT_BLANK.message,
    items: text('a word', { pattern: '.', message: 'must not be empty' }),
    minItems: 1,
  };
}

const cidr = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: whole(LINK_CIDR),
  patternErrorMessage: 'ADDRESS/PREFIX with room for two addresses, e.g. 10.0.1.0/24, 10.0.1.0/31 or 2001:db8::/64',
});

const linkEnd = (description: string): JsonSchema => ({
  type: 'string',
  description,
  pattern: whole(LINK_END),
  patternErrorMessage: 'NODE:INTERFACE, e.g. client:link1 (an interface name is 1-15 of letters, digits, _ . @ + -)',
});

const node: JsonSchema = {
  description: 'A network namespace (or, with --docker, a container): a bare name or { name, image, command, serve, host }',
  oneOf: [
    nodeName('The node: a network namespace (or, with --docker, a container) of this name'),
    mapping(
      NODE_FIELDS,
      {
        name: nodeName('The node: a network namespace (or, with --docker, a container) of this name; valid as both, not an address'),
        image: text('Docker only: the image (--image overrides it)', { pattern: whole(IMAGE), message: 'an image name, e.g. busybox or registry:5000/team/app:1.2' }),
        command: words('Docker only: what the container runs, a list of words or one string split on spaces'),
        serve: mapping(
          SERVE_FIELDS,
          {
            port: { type: ['integer', 'string'], description: 'The port it listens on (1-65535)', minimum: 1, maximum: 65535, pattern: '^\\d+$', default: 80 },
            body: text('The page it serves'),
          },
          { description: 'An HTTP server inside the node, started by chain up: { port: 80, body: "<title>...</title>" }' },
        ),
        host: text('With hosts: the host the node runs on (one of hosts:)', { pattern: whole(NETNS_NAME), message: 'a host name: letters, digits, _ . -' }),
      },
      { required: ['name'] },
    ),
  ],
};

/** A whole number, written as a number or as digits (readInteger). */
const wholeNumber = (description: string, minimum: number, maximum: number): JsonSchema => ({
  type: ['integer', 'string'],
  description,
  minimum,
  maximum,
  pattern: '^\\d+$',
});

const host = mapping(
  HOST_FIELDS,
  {
    name: text('The host: a name its nodes use in host:, and chain up --as NAME', { pattern: whole(NETNS_NAME), message: 'letters, digits, _ . -' }),
    address: {
      type: 'string',
      description: "The host's underlay address: the other hosts send their vxlan traffic to it",
      pattern: whole(ADDRESS),
      patternErrorMessage: 'an address',
    },
    interface: text('The interface holding the address (found by the address when absent)', {
      pattern: whole(INTERFACE_NAME),
      message: 'an interface name: 1-15 of letters, digits, _ . @ + -',
    }),
  },
  { required: ['name', 'address'] },
);

const link: JsonSchema = {
  description: '[A-NODE:IF, B-NODE:IF, SUBNET], [A-NODE:IF, B-NODE:IF, A-ADDRESS, B-ADDRESS] or { a, b, subnet | addresses }',
  oneOf: [
    {
      type: 'array',
      description: '[A, B, SUBNET] (A gets the first host address, B the second) or [A, B, A-ADDRESS, B-ADDRESS]',
      items: [
        linkEnd('One end, NODE:INTERFACE'),
        linkEnd('The other end, NODE:INTERFACE'),
        cidr("The link's subnet (e.g. 10.0.1.0/24), or A's address when B's follows"),
        cidr("B's address, in A's subnet"),
      ],
      additionalItems: false,
      minItems: 3,
      maxItems: 4,
    },
    mapping(
      LINK_FIELDS,
      {
        a: linkEnd("One end, NODE:INTERFACE: it gets the subnet's first host address"),
        b: linkEnd('The other end, NODE:INTERFACE: it gets the second'),
        subnet: cidr("The link's subnet, e.g. 10.0.1.0/24"),
        addresses: {
          type: 'array',
          description: "The two ends' addresses, [A's, B's], in one subnet",
          items: cidr('An address with its prefix, e.g. 10.0.1.1/24'),
          minItems: 2,
          maxItems: 2,
        },
        vni: wholeNumber('Across hosts: the vxlan VNI (1-16777215); derived from the chain name and end a when absent', 1, 16_777_215),
        mtu: wholeNumber('Across hosts: the vxlan MTU (68-65535); the underlay 1500 less the vxlan headers (50 over IPv4, 70 over IPv6) when absent', 68, 65535),
      },
      { required: ['a', 'b'], oneOf: [given('subnet'), given('addresses')] },
    ),
  ],
};

const route = mapping(
  ROUTE_FIELDS,
  {
    node: nodeName('The node the route is on'),
    to: {
      type: 'string',
      description: 'default, a prefix (10.0.9.0/24) or an address (a host route)',
      pattern: whole(ROUTE_DESTINATION),
      patternErrorMessage: 'default, a prefix (e.g. 10.0.9.0/24) or an address',
      examples: ['default'],
    },
    via: {
      type: 'string',
      description: "The gateway: the neighbour's address across one of the node's links",
      pattern: whole(ADDRESS),
      patternErrorMessage: 'an address',
    },
    dev: text("The node's interface the gateway is on"),
  },
  { required: ['node', 'to', 'via'] },
);

const firewallRule = mapping(
  FIREWALL_FIELDS,
  {
    node: nodeName('The node whose FORWARD chain gets the rule'),
    rule: words('iptables matches and a target, e.g. "-p icmp -j DROP": words split on spaces, or a list for words with spaces'),
  },
  { required: ['node', 'rule'] },
);

const EXPECT_KINDS = { http: 'ok (the default), fail or an HTTP status (100-599)', ping: 'ok (the default) or fail' };

const probe = mapping(
  PROBE_FIELDS,
  {
    from: nodeName('The node the probe runs in'),
    http: text('An HTTP GET of a node (its first address, at the port it serves), an address or an http(s) URL', {
      pattern: `^(?:${NODE_NAME}|${ADDRESS}|[hH][tT][tT][pP][sS]?:.*)$`,
      message: 'a node, an address or an http:// or https:// URL',
    }),
    ping: text('An ICMP echo to a node (its first address) or an address', { pattern: whole(`${NODE_NAME}|${ADDRESS}`), message: 'a node or an address' }),
    expect: {
      type: ['string', 'integer'],
      description: `What must happen: ${EXPECT_KINDS.http}`,
      pattern: '^(?:ok|fail|[1-5]\\d\\d)$',
      patternErrorMessage: EXPECT_KINDS.http,
      minimum: 100,
      maximum: 599,
      examples: ['ok', 'fail', 200],
      default: 'ok',
    },
  },
  {
    required: ['from'],
    oneOf: [
      given('http'),
      { ...given('ping'), properties: { ping: { not: { type: 'null' } }, expect: orNull({ enum: ['ok', 'fail'], description: EXPECT_KINDS.ping }) } },
    ],
  },
);

const list = (items: JsonSchema, description: string, more: JsonSchema = {}): JsonSchema => ({ type: 'array', description, items, ...more });

export const CHAIN_FILE_SCHEMA: JsonSchema = {
  $schema: DRAFT_07,
  title: 'chainmail chain file',
  ...mapping(
    CHAIN_FIELDS,
    {
      name: text("The chain's name: letters, digits, _ . -", { pattern: whole(NETNS_NAME), message: 'letters, digits, _ . - (up to 200, not starting with -)' }),
      hosts: list(host, 'The machines the chain spans: { name, address, interface }; then every node names its host, and links between hosts are vxlans', {
        minItems: 1,
      }),
      nodes: list(node, 'The nodes: each a bare name or { name, image, command, serve }', { minItems: 1 }),
      links: list(link, 'veth pairs between two nodes, NODE:INTERFACE at each end, with a subnet or two addresses', { minItems: 1 }),
      routes: list(route, 'Extra routes, beside the derived ones: { node, to, via, dev }'),
      forwarding: list(nodeName('A node that forwards'), 'The nodes that forward; without it, every node on two or more links does', { uniqueItems: true }),
      firewall: list(firewallRule, "Rules appended to a node's FORWARD chain: { node, rule }"),
      probes: list(probe, 'What chain status checks: { from, http | ping, expect }'),
    },
    {
      required: ['name', 'nodes', 'links'],
      description: 'A chain: its nodes, the links between them and what to check (docs/chain-file.md). chainmail derives the addresses, forwarding and routes.',
    },
  ),
};
