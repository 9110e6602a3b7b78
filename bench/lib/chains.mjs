// Path chains the sections build (node i linked to node i+1, fixed generated data), as chain files,
// and the same kernel work done by iproute2: one process per command (ipScript) and the batch floor.
import { performance } from 'node:perf_hooks';
import { PREFIX, ourNamespaces } from './namespaces.mjs';
import { run } from './proc.mjs';

/**
 * A chain of nodes in a path, each link with its two ends' interfaces and addresses.
 * @typedef {{ a: string, b: string, ifa: string, ifb: string, subnet: string, addrA: string, addrB: string }} Link
 * @typedef {{ name: string, nodes: string[], links: Link[] }} Chain
 */

/**
 * @param {string} name
 * @param {string[]} nodes
 * @param {(i: number) => string} ifA link i's interface in its first node
 * @param {(i: number) => string} ifB the same in its second
 * @param {(i: number) => string} subnetOf link i's /24, as "10.x.y"
 * @returns {Chain}
 */
export function pathChain(name, nodes, ifA, ifB, subnetOf) {
  /** @type {Link[]} */
  const links = [];
  nodes.forEach((a, i) => {
    const b = nodes[i + 1];
    if (b === undefined) return; // the last node: no link from it
    const base = subnetOf(i); // "10.x.y"
    links.push({ a, b, ifa: ifA(i), ifb: ifB(i), subnet: `${base}.0/24`, addrA: `${base}.1`, addrB: `${base}.2` });
  });
  return { name, nodes, links };
}

export function seedChain() {
  const names = ['client', 'firewall', 'router', 'webserver'].map((n) => `${PREFIX}-${n}`);
  return pathChain(
    `${PREFIX}-seed`,
    names,
    (i) => `link${2 * i + 1}`,
    (i) => `link${2 * i + 2}`,
    (i) => `10.0.${i + 1}`,
  );
}

/** @param {number} n */
export function scaleChain(n, tag = 's') {
  const names = Array.from({ length: n }, (_, i) => `${PREFIX}-${tag}${i}`);
  // link i: 10.(i/256).(i%256).0/24 — distinct and valid for i < 65536
  return pathChain(
    `${PREFIX}-${tag}${n}`,
    names,
    (i) => `a${i}`,
    (i) => `b${i}`,
    (i) => `10.${Math.floor(i / 256)}.${i % 256}`,
  );
}

/** @param {Chain} c @param {readonly string[]} [probes] */
export function chainYaml(c, probes = []) {
  const lines = [`name: ${c.name}`, 'nodes:', ...c.nodes.map((n) => `  - ${n}`), 'links:'];
  for (const l of c.links) lines.push(`  - [${l.a}:${l.ifa}, ${l.b}:${l.ifb}, ${l.subnet}]`);
  if (probes.length) lines.push('probes:', ...probes.map((p) => `  - ${p}`));
  return lines.join('\n') + '\n';
}

/** The same routes chainmail derives for a path: defaults at the ends, every non-adjacent subnet in the middle. @param {Chain} c */
export function routes(c) {
  /** @type {{ ns: string, route: string }[]} */
  const out = [];
  const L = c.links;
  c.nodes.forEach((ns, i) => {
    // node i's links: L[i - 1] on its left, L[i] on its right; the ends have one each
    const left = L[i - 1],
      right = L[i];
    if (!left && right) out.push({ ns, route: `default via ${right.addrB} dev ${right.ifa}` });
    else if (left && !right) out.push({ ns, route: `default via ${left.addrA} dev ${left.ifb}` });
    else if (left && right) {
      for (const l of L.slice(0, i - 1)) out.push({ ns, route: `${l.subnet} via ${left.addrA} dev ${left.ifb}` });
      for (const l of L.slice(i + 1)) out.push({ ns, route: `${l.subnet} via ${right.addrB} dev ${right.ifa}` });
    }
  });
  return out;
}
export const forwarders = (/** @type {Chain} */ c) => c.nodes.slice(1, -1);
export const SYSCTL = ['sysctl', '-e', '-q', '-w', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'];

/** (a) one iproute2 process per command, as a bash script. @param {Chain} c */
export function ipScript(c) {
  const s = ['#!/bin/bash', 'set -e'];
  for (const n of c.nodes) s.push(`ip netns add ${n}`, `ip -n ${n} link set lo up`);
  for (const l of c.links) {
    s.push(`ip link add ${l.ifa} netns ${l.a} type veth peer name ${l.ifb} netns ${l.b}`);
    s.push(`ip -n ${l.a} addr add ${l.addrA}/24 dev ${l.ifa}`, `ip -n ${l.b} addr add ${l.addrB}/24 dev ${l.ifb}`);
    s.push(`ip -n ${l.a} link set ${l.ifa} up`, `ip -n ${l.b} link set ${l.ifb} up`);
  }
  for (const f of forwarders(c)) s.push(`ip netns exec ${f} ${SYSCTL.join(' ')}`);
  for (const r of routes(c)) s.push(`ip -n ${r.ns} route add ${r.route}`);
  return s.join('\n') + '\n';
}

/** (b) the batch floor: namespaces one process each, links from the host in one batch, the rest one batch per namespace. @param {Chain} c */
export function batchFloor(c) {
  for (const n of c.nodes) run('ip', ['netns', 'add', n]);
  run('ip', ['-batch', '-'], { input: c.links.map((l) => `link add ${l.ifa} netns ${l.a} type veth peer name ${l.ifb} netns ${l.b}`).join('\n') + '\n' });
  const per = new Map(c.nodes.map((n) => [n, ['link set lo up']]));
  const add = (/** @type {string} */ ns, /** @type {string[]} */ ...cmds) => {
    const batch = per.get(ns);
    if (!batch) throw new Error(`batch floor: ${ns} is not a node of ${c.name}`);
    batch.push(...cmds);
  };
  for (const l of c.links) {
    add(l.a, `addr add ${l.addrA}/24 dev ${l.ifa}`, `link set ${l.ifa} up`);
    add(l.b, `addr add ${l.addrB}/24 dev ${l.ifb}`, `link set ${l.ifb} up`);
  }
  for (const r of routes(c)) add(r.ns, `route add ${r.route}`);
  for (const [ns, cmds] of per) run('ip', ['-n', ns, '-batch', '-'], { input: cmds.join('\n') + '\n' });
  for (const f of forwarders(c)) run('ip', ['netns', 'exec', f, ...SYSCTL]);
}

/** @param {Chain} c */
export function timeFloor(c) {
  const t0 = performance.now();
  batchFloor(c);
  return performance.now() - t0;
}

/** @param {Chain} c */
export function assertClean(c) {
  const left = ourNamespaces().filter((n) => c.nodes.includes(n));
  if (left.length) throw new Error(`namespaces left before a run: ${left.join(', ')}`);
}

/** @param {Chain} c @param {number} i */
export function nodeOf(c, i) {
  const node = c.nodes[i];
  if (node === undefined) throw new Error(`bench: ${c.name} has no node ${i}`);
  return node;
}
