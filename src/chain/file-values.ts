/**
 * What the chain file's sections share: words and numbers read from YAML,
 * quoting for messages, and the nodes and links read so far (KnownNodes).
 */
import { isSeq } from 'yaml';
import type { Cidr } from '../parse/values.js';
import { readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { linkAddresses } from './derive.js';
import type { LinkEndSpec, LinkSpec, NodeSpec } from './model.js';

/** Words: a list, or one string split on spaces (no quoting). */
export function readWords(source: Source, field: Field, what: string): string[] {
  const words = isSeq(field.node)
    ? readList(source, field, what).map((item) => readText(source, item, 'a word'))
    : readText(source, field, `${what}: a list of words or one string`).split(/\s+/).filter(Boolean);
  if (words.length === 0) source.fail(field.node, field.path, `is empty; it must be ${what}`);
  return words;
}

export function readInteger(source: Source, field: Field, min: number, max: number, what: string): number {
  const text = readText(source, field, `${what} (${min}-${max})`);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) source.fail(field.node, field.path, `${text} is not ${what} (${min}-${max})`);
  return value;
}

/** A value in a message, quoted; a long one cut short (the line number says where the rest is). */
export const quote = (text: string) => JSON.stringify(text.length > 80 ? `${text.slice(0, 60)}...` : text);

/** The longest prefix of each address family: a single address. */
export const MAX_PREFIX = { 4: 32, 6: 128 } as const;

/** The nodes and links read so far, for checking what refers to them. */
export class KnownNodes {
  constructor(
    readonly nodes: readonly NodeSpec[],
    readonly links: readonly LinkSpec[],
  ) {}

  has(name: string): boolean {
    return this.nodes.some((node) => node.name === name);
  }

  notANode(name: string): string {
    return `${quote(name)} is not a node (nodes: ${this.nodes.map((node) => node.name).join(', ')})`;
  }

  check(source: Source, field: Field): string {
    const name = readText(source, field, 'a node name');
    if (!this.has(name)) source.fail(field.node, field.path, this.notANode(name));
    return name;
  }

  /** The node's link ends with their addresses, in link order. */
  endsOf(node: string): { ifname: string; address: Cidr; peer: LinkEndSpec & { address: Cidr } }[] {
    return this.links.flatMap((link) => {
      const [a, b] = linkAddresses(link);
      if (link.a.node === node) return [{ ifname: link.a.ifname, address: a, peer: { ...link.b, address: b } }];
      if (link.b.node === node) return [{ ifname: link.b.ifname, address: b, peer: { ...link.a, address: a } }];
      return [];
    });
  }
}
