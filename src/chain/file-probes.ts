/**
 * The chain file's `probes:` section: what `chain status` checks, each an
 * HTTP request or a ping from a node, and what it is expected to do.
 */
import { parseIp } from '../parse/values.js';
import { Fields, fieldPath, readList, readText, type Field, type Source } from '../parse/yaml-file.js';
import { KnownNodes, quote } from './file-values.js';
import type { ProbeSpec } from './model.js';

export const PROBE_FIELDS = ['from', 'http', 'ping', 'expect'] as const;
const PROBE_SHAPE = '{ from: NODE, http: NODE | ADDRESS | URL } or { from: NODE, ping: NODE | ADDRESS }, with expect: ok | fail | STATUS';

export function readProbes(source: Source, field: Field, known: KnownNodes): ProbeSpec[] {
  return readList(source, field, `probes, each ${PROBE_SHAPE}`).map((item) => {
    const fields = new Fields(source, item, PROBE_FIELDS, PROBE_SHAPE);
    const from = known.check(source, fields.required('from', 'the node the probe runs in'));
    const http = fields.optional('http');
    const ping = fields.optional('ping');
    const target = http ?? ping;
    if (http && ping) source.fail(ping.node, ping.path, 'give http or ping, not both');
    if (!target) source.fail(item.node, fieldPath(item.path, 'http'), 'missing (what to probe: http: NODE | ADDRESS | URL, or ping: NODE | ADDRESS)');
    const kind = http ? 'http' : 'ping';
    const to = readProbeTarget(source, target, kind, known);
    const expectField = fields.optional('expect');
    const expect = expectField ? readExpect(source, expectField, kind) : 'ok';
    return { from, kind, to, expect };
  });
}

function readProbeTarget(source: Source, field: Field, kind: 'http' | 'ping', known: KnownNodes): string {
  const text = readText(source, field, kind === 'http' ? 'a node, an address or a URL' : 'a node or an address');
  const fail = (problem: string) => source.fail(field.node, field.path, problem);
  if (parseIp(text).ok) return text;
  if (text.includes('://') || text.includes('/')) {
    if (kind === 'ping') fail(`${quote(text)}: ping takes a node or an address, not a URL`);
    checkUrl(text, fail);
    return text;
  }
  if (!known.has(text)) fail(kind === 'http' ? `${known.notANode(text)}, an address or a URL` : `${known.notANode(text)} or an address`);
  if (known.endsOf(text).length === 0) fail(`${text} is on no link, so it has no address to probe`);
  return text;
}

function checkUrl(text: string, fail: (problem: string) => never): void {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    fail(`${quote(text)} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail(`${quote(text)} is not an http:// or https:// URL`);
  if (!url.hostname) fail(`${quote(text)} has no host`);
}

function readExpect(source: Source, field: Field, kind: 'http' | 'ping'): ProbeSpec['expect'] {
  const text = readText(source, field, 'ok, fail or an HTTP status');
  if (text === 'ok' || text === 'fail') return text;
  if (kind === 'ping') source.fail(field.node, field.path, `${quote(text)} is not ok or fail (what a ping must do)`);
  const status = Number(text);
  if (!/^\d{3}$/.test(text) || status < 100 || status > 599) {
    source.fail(field.node, field.path, `${quote(text)} is not ok, fail or an HTTP status (100-599)`);
  }
  return status;
}
