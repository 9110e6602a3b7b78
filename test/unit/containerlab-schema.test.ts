/**
 * `export --format containerlab` writes files containerlab accepts: each is
 * valid against containerlab's own published JSON Schema (vendored in
 * test/fixtures/containerlab/, see its README for the commit), and uses
 * only the node fields docs/containerlab.md maps, each documented by
 * containerlab.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { deriveChain } from '../../src/chain/derive.js';
import { exportChain, exportTopology } from '../../src/chain/export.js';
import { loadChainFile } from '../../src/chain/file.js';
import type { DesiredChain } from '../../src/chain/model.js';
import type { Topology } from '../../src/topology/model.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const schema = JSON.parse(readFileSync(`${ROOT}test/fixtures/containerlab/clab.schema.json`, 'utf8')) as object;
// strict off: the schema carries keywords of its own (markdownDescription) for editors
const validate = new Ajv({ strict: false, allErrors: true }).compile(schema);

function problems(text: string): string[] {
  const value: unknown = parse(text);
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** Node fields the export may write: each has a section in containerlab's docs/manual/nodes.md. */
const DOCUMENTED_NODE_FIELDS = ['kind', 'image', 'network-mode', 'cmd', 'sysctls', 'exec'];

/** Every chain file the project ships, and one with everything the export carries. */
const chainFiles = [
  ...readdirSync(`${ROOT}examples`)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => `examples/${f}`),
  ...readdirSync(`${ROOT}tutorials`)
    .filter((f) => f.endsWith('.chain.yaml'))
    .map((f) => `tutorials/${f}`),
];

const v4 = (address: string, prefix = 24) => ({ family: 4 as const, address, prefix });
const v6 = (address: string, prefix = 64) => ({ family: 6 as const, address, prefix });
const EVERYTHING: DesiredChain = {
  name: 'every.field_1',
  nodes: [{ name: 'client', command: ['sleep', 'infinity'], image: 'alpine:3.20' }, { name: 'host' }, { name: 'web', serve: { port: 8080, body: "it's $HOME" } }],
  links: [
    { a: { node: 'client', ifname: 'c0', address: v6('2001:db8:1::1') }, b: { node: 'host', ifname: 'h0', address: v6('2001:db8:1::2') } },
    { a: { node: 'host', ifname: 'h1', address: v4('10.9.0.1', 30) }, b: { node: 'web', ifname: 'w0', address: v4('10.9.0.2', 30) } },
  ],
  routes: [{ node: 'client', destination: { kind: 'default', family: 6 }, via: '2001:db8:1::2', dev: 'c0', origin: 'derived' }],
  forwarding: ['host'],
  firewall: [{ node: 'host', rule: ['-p', 'icmp', '-j', 'DROP'] }],
  probes: [],
};

const LIVE: Topology = {
  targets: [
    { ns: { kind: 'host', label: 'host', path: '/proc/1/ns/net' }, status: 'host', interfaces: [] },
    { ns: { kind: 'netns', label: 'netns red', path: '/var/run/netns/netns red', netnsName: 'netns red' }, status: 'present', interfaces: [] },
    { ns: { kind: 'netns', label: 'lone', path: '/var/run/netns/lone', netnsName: 'lone' }, status: 'present', interfaces: [] },
  ],
  links: [{ kind: 'veth', a: { target: 'netns red', ifname: 'r0', addresses: ['10.0.1.1/24'] }, b: { target: 'host', ifname: 'up0', addresses: [] } }],
  warnings: [],
};

const exports: Array<[string, string]> = [
  ...chainFiles.map((f): [string, string] => [f, exportChain(deriveChain(loadChainFile(`${ROOT}${f}`)), 'containerlab')]),
  [
    'examples/service-chain.yaml --image alpine:3.20',
    exportChain(deriveChain(loadChainFile(`${ROOT}examples/service-chain.yaml`)), 'containerlab', { image: 'alpine:3.20' }),
  ],
  ['every field the export writes', exportChain(EVERYTHING, 'containerlab')],
  ['the live host', exportTopology(LIVE, 'containerlab')],
];

describe("containerlab's published schema", () => {
  it('has the chain files to check', () => {
    expect(chainFiles.length).toBeGreaterThanOrEqual(4);
  });

  it.each(exports)('%s: valid', (_, text) => {
    expect(problems(text)).toEqual([]);
  });

  it.each(exports)('%s: only the documented node fields, in defaults and nodes', (_, text) => {
    const file = parse(text) as { topology: { defaults?: object; nodes: Record<string, object | null> } };
    const fields = [file.topology.defaults ?? {}, ...Object.values(file.topology.nodes).map((n) => n ?? {})].flatMap((n) => Object.keys(n));
    expect(fields.filter((f) => !DOCUMENTED_NODE_FIELDS.includes(f))).toEqual([]);
  });

  it('the export uses every field it documents (so the list above is not stale)', () => {
    const text = exportChain(EVERYTHING, 'containerlab');
    for (const field of DOCUMENTED_NODE_FIELDS) expect(text).toMatch(new RegExp(`^ +${field}:`, 'm'));
  });

  it('rejects what containerlab would: a misspelt node field, exec as a string, a sysctl that is a list, a bad name', () => {
    const good = exportChain(EVERYTHING, 'containerlab');
    expect(problems(good.replace('    host-2:\n      sysctls:', '    host-2:\n      sysctl:'))).not.toEqual([]);
    expect(problems(good.replace(/exec:\n(\s+)- (.*)\n/, 'exec: $2\n'))).not.toEqual([]);
    expect(problems(good.replace('net.ipv4.ip_forward: 1', 'net.ipv4.ip_forward: [1]'))).not.toEqual([]);
    expect(problems(good.replace('name: every.field_1', 'name: -bad'))).not.toEqual([]);
  });
});
