/**
 * Shared helpers for the unit tests (not a test file itself).
 */
import { expect } from 'vitest';
import { ChainmailError, EXIT_USAGE, markToken, UsageError } from '../../src/errors.js';
import type { Cidr } from '../../src/parse/values.js';
import type { KokoEndpoint, Mirror } from '../../src/parse/koko.js';
import type { TargetSpec } from '../../src/parse/target.js';
import type { Namespace } from '../../src/targets/namespace.js';
import type { Interface } from '../../src/topology/model.js';
import { deriveChain } from '../../src/chain/derive.js';
import { parseChainText } from '../../src/chain/file.js';
import type { DesiredChain } from '../../src/chain/model.js';
import type { ObservedNode } from '../../src/chain/plan-up.js';

/** Runs fn and returns the UsageError it throws; fails the test otherwise. */
export function usageErrorOf(fn: () => unknown): UsageError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  if (thrown === undefined) throw new Error('expected a UsageError, but nothing was thrown');
  if (!(thrown instanceof UsageError)) throw thrown as Error; // whatever fn threw, passed on
  return thrown;
}

export interface ExpectedUsageError {
  /** The whole message, exactly. */
  message: string;
  /** location.index: the word the caret goes under. */
  index: number;
  /** The word at that index (undefined when the caret is past the end); checked when given. */
  word?: string | undefined;
  /** A piece of the message that names the offending token. */
  names?: string;
}

/**
 * Checks everything a user sees of a usage error: class, exit code 2, the
 * exact message, which word is marked, and the marker lines in the context.
 */
export function expectUsageError(fn: () => unknown, expected: ExpectedUsageError): UsageError {
  const err = usageErrorOf(fn);
  expect(err).toBeInstanceOf(ChainmailError);
  expect(err.name).toBe('UsageError');
  expect(err.exitCode).toBe(EXIT_USAGE);
  expect(err.exitCode).toBe(2);
  expect(err.message).toBe(expected.message);
  expect(err.location).toBeDefined();
  expect(err.location!.index).toBe(expected.index);
  if ('word' in expected) expect(err.location!.words[expected.index]).toBe(expected.word);
  if (expected.names !== undefined) expect(err.message).toContain(expected.names);
  // the context starts with the marked line, indented by two spaces
  const marker = markToken(err.location!).map((l) => `  ${l}`);
  expect(err.context.slice(0, marker.length)).toEqual(marker);
  if (err.expected) expect(err.context.at(-1)).toBe(`  usage: ${err.expected}`);
  return err;
}

// ---- builders for parsed values ----

export const v4 = (address: string, prefix: number): Cidr => ({ family: 4, address, prefix });
export const v6 = (address: string, prefix: number): Cidr => ({ family: 6, address, prefix });
export const docker = (name: string): TargetSpec => ({ kind: 'docker', name });
export const netns = (name: string): TargetSpec => ({ kind: 'netns', name });
export const pid = (n: number): TargetSpec => ({ kind: 'pid', pid: n });
export const nspath = (path: string): TargetSpec => ({ kind: 'path', path });
export const host: TargetSpec = { kind: 'host' };
export const auto = (name: string): TargetSpec => ({ kind: 'auto', name });

export function end(target: TargetSpec, ifname: string, addresses: Cidr[] = [], mirrors: Mirror[] = []): KokoEndpoint {
  return { target, ifname, addresses, mirrors };
}

/** Splits a line typed in a shell into words (no quoting in these examples). */
export const words = (line: string): string[] => line.trim().split(/\s+/).filter(Boolean);

// ---- namespaces and interfaces, built by hand ----

export const hostNs: Namespace = { kind: 'host', label: 'host', path: '/proc/1/ns/net' };
export const redNs: Namespace = { kind: 'netns', label: 'red', path: '/var/run/netns/red', netnsName: 'red' };
export const clientNs: Namespace = {
  kind: 'docker',
  label: 'client',
  path: '/proc/4121/ns/net',
  pid: 4121,
  containerId: '0123456789ab',
  containerName: 'client',
};
export const pidNs: Namespace = { kind: 'pid', label: 'pid 777', path: '/proc/777/ns/net', pid: 777 };

export function iface(name: string, kind = 'device', extra: Partial<Interface> = {}): Interface {
  return { ifindex: 1, name, kind, state: 'UP', adminUp: true, mtu: 1500, addresses: [], ...extra };
}

/** A chain from the lines of a chain file. */
export const desiredOf = (...lines: string[]): DesiredChain => deriveChain(parseChainText(lines.join('\n') + '\n', 'test.yaml'));

/** The seed's service chain; the firewall also drops pings (a rule to plan), the web server serves a page. */
export const seedChain = (): DesiredChain =>
  desiredOf(
    'name: plan-seed',
    'nodes:',
    '  - client',
    '  - firewall',
    '  - router',
    '  - name: webserver',
    '    serve: { port: 80, body: "<title>hi</title>" }',
    'links:',
    '  - [client:link1, firewall:link2, 10.0.1.0/24]',
    '  - [firewall:link3, router:link4, 10.0.2.0/24]',
    '  - [router:link5, webserver:link6, 10.0.3.0/24]',
    'firewall:',
    '  - { node: firewall, rule: "-p icmp -j DROP" }',
    'probes:',
    '  - { from: client, http: webserver }',
  );

/** A node that does not exist yet. */
export const absentNode = (): ObservedNode => ({ exists: false, interfaces: [], routes: [], forwarding: false, rules: [], serving: false });
