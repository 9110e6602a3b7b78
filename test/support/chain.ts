/**
 * Helpers for the chain-file integration tests: the seed's service chain
 * written to a temp dir with unique node and chain names (cmt-<6 hex>-...), so
 * that it never touches the example's fixed names and scripts/test.sh sweeps
 * it up after a crash; and readers for what `chain up` leaves behind.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainmail, deleteNetns } from './kernel.js';

/** Where `chain up` records what it made (src/chain/state-file.ts). */
export const CHAIN_STATE_DIR = '/var/run/chainmail/chains';

export interface SeedChain {
  /** The chain's name: cmt-<6 hex>. */
  name: string;
  dir: string;
  file: string;
  client: string;
  firewall: string;
  router: string;
  webserver: string;
  /** The four nodes, in chain order. */
  nodes: string[];
  /** 10.251.<n>.0/24 style prefix of the chain's subnets, e.g. `10.251`. */
  net: string;
}

export interface SeedOptions {
  /** First two octets of the links' subnets (<net>.1.0/24 .. <net>.3.0/24). */
  net?: string;
  /** The page the web server serves. */
  body?: string;
  /** More top-level YAML (firewall:, routes: ...), with {client} etc. replaced by node names. */
  extra?: string[];
  /** Probes instead of the one http probe, same placeholders. */
  probes?: string[];
}

/**
 * The seed chain, client --link1/link2-- firewall --link3/link4-- router
 * --link5/link6-- webserver, with unique names, written to FILE in a fresh
 * temp dir. The web server serves `body` on port 80.
 */
export function writeSeedChain(options: SeedOptions = {}): SeedChain {
  const id = randomBytes(3).toString('hex');
  const net = options.net ?? '10.251';
  const dir = mkdtempSync(join(tmpdir(), `cmt-chain-${id}-`));
  const node = (role: string) => `cmt-${id}-${role}`;
  const chain: SeedChain = {
    name: `cmt-${id}`,
    dir,
    file: join(dir, 'chain.yaml'),
    client: node('client'),
    firewall: node('firewall'),
    router: node('router'),
    webserver: node('webserver'),
    nodes: [],
    net,
  };
  chain.nodes = [chain.client, chain.firewall, chain.router, chain.webserver];
  const fill = (line: string) => line.replace(/\{(client|firewall|router|webserver|net)\}/g, (_, k: 'client' | 'firewall' | 'router' | 'webserver' | 'net') => chain[k]);
  const probes = options.probes ?? ['  - { from: {client}, http: {webserver} }'];
  const text = [
    `# the seed's service chain, test ${id}`,
    `name: ${chain.name}`,
    'nodes:',
    `  - name: ${chain.client}`,
    `  - ${chain.firewall}`,
    `  - ${chain.router}`,
    `  - name: ${chain.webserver}`,
    `    serve: { port: 80, body: ${JSON.stringify(options.body ?? `<title>cmt ${id} page</title>`)} }`,
    'links:',
    `  - [${chain.client}:link1, ${chain.firewall}:link2, ${net}.1.0/24]`,
    `  - [${chain.firewall}:link3, ${chain.router}:link4, ${net}.2.0/24]`,
    `  - [${chain.router}:link5, ${chain.webserver}:link6, ${net}.3.0/24]`,
    ...(options.extra ?? []).map(fill),
    'probes:',
    ...probes.map(fill),
    '',
  ].join('\n');
  writeFileSync(chain.file, text);
  return chain;
}

/** A chain file with any text, in a fresh temp dir. */
export function writeChainText(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cmt-chain-'));
  const file = join(dir, 'chain.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

export function stateFileOf(chainName: string): string {
  return `${CHAIN_STATE_DIR}/${chainName}.json`;
}

export interface ChainRecordJson {
  name: string;
  mode: 'netns' | 'docker';
  createdNodes: string[];
  createdLinks: string[];
  addedRules: Array<{ node: string; rule: string[] }>;
  servers: Record<string, number>;
  healed?: unknown;
}

/** The state file `chain up` wrote, or undefined. */
export function readChainRecord(chainName: string): ChainRecordJson | undefined {
  const path = stateFileOf(chainName);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as ChainRecordJson) : undefined;
}

/** Whether a process runs (and is not a zombie). */
export function processAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Named network namespaces on the host. */
export function netnsNames(): string[] {
  const r = spawnSync('ip', ['-j', 'netns', 'list'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.trim()) return [];
  return (JSON.parse(r.stdout) as Array<{ name: string }>).map((n) => n.name);
}

/**
 * A route as `ip route` words without scope/proto/src: `default via GW dev IF`
 * or `PREFIX dev IF`; kernel link routes get ` (kernel)`.
 */
export function routeText(r: { dst: string; gateway?: string; dev?: string; protocol?: string }): string {
  return `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.protocol === 'kernel' ? ' (kernel)' : ''}`;
}

/**
 * Removes whatever a test's chain left, whether the test passed or not:
 * `chain down` first (it knows what up made), then the nodes by name, the
 * web servers it recorded, the state file and the temp dir.
 */
export function removeChain(chain: { name: string; dir: string; nodes: readonly string[]; file: string }, mode: 'netns' | 'docker' = 'netns'): void {
  const record = readChainRecord(chain.name);
  if (record) chainmail(['chain', 'down', chain.file]);
  for (const pid of Object.values(record?.servers ?? {})) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
  if (mode === 'docker') {
    spawnSync('docker', ['rm', '-f', ...chain.nodes], { stdio: 'ignore' });
  } else {
    for (const n of chain.nodes) deleteNetns(n);
  }
  rmSync(stateFileOf(chain.name), { force: true });
  rmSync(chain.dir, { recursive: true, force: true });
}
