/**
 * The chain file's `nodes:` section: each a name (valid as a namespace and as
 * a container), with an optional image, command and HTTP server.
 */
import { isScalar } from 'yaml';
import { checkContainerName, checkNetnsName, imageProblem, parseIp } from '../parse/values.js';
import { Fields, readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { quote, readInteger, readWords } from './file-values.js';
import { readNodeHost } from './file-hosts.js';
import type { HostSpec, NodeSpec } from './model.js';

export const NODE_FIELDS = ['name', 'image', 'command', 'serve', 'host'] as const;
export const SERVE_FIELDS = ['port', 'body'] as const;
const NODE_SHAPE = '{ name, image, command, serve, host }, or just a name';

/** Where each node's image stands in its file, for what only Docker can find wrong (chain up --docker asks it). */
const imageLines = new WeakMap<NodeSpec, { line: number; field: string }>();

/** The line and field of a node's image as the loader read it; undefined when the node has none from a file. */
export function imageLocation(node: NodeSpec): { line: number; field: string } | undefined {
  return imageLines.get(node);
}

/** `hosts`: the file's hosts section, when it has one: then every node names its host. */
export function readNodes(source: Source, field: Field, hosts?: readonly HostSpec[]): NodeSpec[] {
  const items = readList(source, field, `nodes, each ${NODE_SHAPE}`);
  if (items.length === 0) source.fail(field.node, field.path, 'is empty; a chain needs nodes');
  const nodes: NodeSpec[] = [];
  const seen = new Map<string, string>();
  for (const item of items) {
    const { node, nameField } = readNode(source, item, hosts);
    const earlier = seen.get(node.name);
    if (earlier) source.fail(nameField.node, nameField.path, `${quote(node.name)} is already a node (${earlier})`);
    seen.set(node.name, item.path);
    nodes.push(node);
  }
  return nodes;
}

function readNode(source: Source, item: Field, hosts: readonly HostSpec[] | undefined): { node: NodeSpec; nameField: Field } {
  if (isScalar(item.node)) {
    const name = readNodeName(source, item);
    if (hosts) source.fail(item.node, item.path, `${quote(name)} needs its host: { name: ${name}, host: ${hosts.map((h) => h.name).join(' | ')} }`);
    return { node: { name }, nameField: item };
  }
  const fields = new Fields(source, item, NODE_FIELDS, NODE_SHAPE);
  const nameField = fields.required('name', "the node's name");
  const node: NodeSpec = { name: readNodeName(source, nameField) };
  const image = fields.optional('image');
  if (image) {
    node.image = readImage(source, image);
    imageLines.set(node, { line: source.lineOf(image.node), field: image.path });
  }
  const command = fields.optional('command');
  if (command) node.command = readWords(source, command, 'the command the container runs');
  const serve = fields.optional('serve');
  if (serve) node.serve = readServe(source, serve);
  const host = hosts ? fields.required('host', `the host it runs on: ${hosts.map((h) => h.name).join(', ')}`) : fields.optional('host');
  if (host) node.host = readNodeHost(source, host, hosts);
  return { node, nameField };
}

/** A node is a namespace or a container of that name, so it must be valid as both. */
function readNodeName(source: Source, field: Field): string {
  const name = readText(source, field, 'a node name');
  for (const check of [checkNetnsName, checkContainerName]) {
    const valid = check(name);
    if (!valid.ok) source.fail(field.node, field.path, `${quote(name)} is not a valid node name: ${valid.reason}`);
  }
  if (parseIp(name).ok) source.fail(field.node, field.path, `${quote(name)} is an address; a node name must not be one (probes could not tell them apart)`);
  return name;
}

function readImage(source: Source, field: Field): string {
  const image = readText(source, field, 'a Docker image');
  const problem = imageProblem(image);
  if (problem) source.fail(field.node, field.path, problem);
  return image;
}

function readServe(source: Source, field: Field): { port: number; body?: string } {
  const fields = new Fields(source, field, SERVE_FIELDS, '{ port: 80, body: "<title>...</title>" }');
  const port = fields.optional('port');
  const body = fields.optional('body');
  return {
    port: port ? readInteger(source, port, 1, 65535, 'a port') : 80,
    ...(body ? { body: readText(source, body, 'the page served') } : {}),
  };
}
