/**
 * The values of values.ts (names, addresses, subnets, images) as regular
 * expressions for the file schemas (parse/json-schema.ts). values.ts checks
 * with code; test/unit/file-schemas.test.ts checks these against it, so a
 * pattern never refuses what values.ts accepts. Unanchored, to be combined;
 * `whole()` anchors one.
 */

/** Node's isIPv4: four decimal octets, no leading zeros. */
const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
export const IPV4 = `${OCTET}(?:\\.${OCTET}){3}`;

/** Looser than Node's isIPv6 (which parseIp uses): hex digits, dots and at least one colon. */
export const IPV6 = '[0-9A-Fa-f.]*:[0-9A-Fa-f.:]*';

/** parseCidr's prefix: one to three digits, up to the family's length; the lookahead keeps it to three. */
const prefix = (alternatives: string) => `(?=\\d{1,3}$)0*(?:${alternatives})`;
const V4_PREFIX = prefix('3[0-2]|[12]?\\d');
const V6_PREFIX = prefix('12[0-8]|1[01]\\d|[1-9]?\\d');
/** A link's subnet or address has room for two addresses: not /0, not /32 (/128). */
const V4_LINK_PREFIX = prefix('3[01]|[12]\\d|[1-9]');
const V6_LINK_PREFIX = prefix('12[0-7]|1[01]\\d|[1-9]\\d|[1-9]');

export const ADDRESS = `${IPV4}|${IPV6}`;
/** A link's subnet or one end's address, ADDRESS/PREFIX. */
export const LINK_CIDR = `${IPV4}/${V4_LINK_PREFIX}|${IPV6}/${V6_LINK_PREFIX}`;
/** Where a route goes: default, a prefix or an address (a host route). */
export const ROUTE_DESTINATION = `default|${IPV4}(?:/${V4_PREFIX})?|${IPV6}(?:/${V6_PREFIX})?`;

/** checkNetnsName: up to 200 of letters, digits, _ . -; not starting with "-", not "." or "..". */
export const NETNS_NAME = '(?!-)(?!\\.\\.?$)[A-Za-z0-9_.-]{1,200}';

/** A chain node: a namespace and a container name at once (checkContainerName), and not an address. */
export const NODE_NAME = `(?!${IPV4}(?::|$))[A-Za-z0-9][A-Za-z0-9_.-]{0,127}`;

/** checkInterfaceName: 1-15 of letters, digits, _ . @ + -; not starting with "-", not "." or "..". */
export const INTERFACE_NAME = '(?!-)(?!\\.\\.?$)[A-Za-z0-9_.@+-]{1,15}';

/** A link end, NODE:INTERFACE. */
export const LINK_END = `${NODE_NAME}:${INTERFACE_NAME}`;

/** imageProblem: Docker's characters, up to 255, never starting with "-". */
export const IMAGE = '[A-Za-z0-9][A-Za-z0-9._/:@-]{0,254}';
