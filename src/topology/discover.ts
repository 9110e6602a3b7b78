import { readInterfaces, readNetnsIds } from './read.js';
import { forEachLimit } from '../sys/limit.js';
import type { DockerEngine } from '../targets/docker.js';
import { hostNamespace, type Namespace } from '../targets/namespace.js';
import { containerNamespace, listNetnsNames, netnsNamespace } from '../targets/resolve.js';
import { TargetError } from '../errors.js';
import { resolveLinks, targetsNeedingNetnsIds } from './links.js';
import type { TargetState, Topology } from './model.js';

/** How many namespaces are read at once (each read is one short `ip` process). */
const PARALLEL_READS = 8;

/**
 * Reads every target on the host: the host namespace, each named network
 * namespace, each container (stopped ones listed without interfaces), and
 * resolves the links between them. Links made by hand are found the same way.
 */
export async function discoverTopology(docker: DockerEngine): Promise<Topology> {
  const warnings: string[] = [];
  const targets: TargetState[] = [{ ns: hostNamespace(), status: 'host', interfaces: [] }];
  // the engine answers while the namespaces are read
  const [names, containers] = await Promise.all([
    listNetnsNames(),
    docker.list().catch((err: unknown) => {
      if (!(err instanceof TargetError)) throw err;
      warnings.push(err.message);
      return [];
    }),
  ]);
  for (const name of names) targets.push({ ns: netnsNamespace(name), status: 'present', interfaces: [] });
  for (const c of containers.sort((x, y) => x.name.localeCompare(y.name))) {
    const ns: Namespace = c.running ? containerNamespace(c.name, c.id, c.pid) : { kind: 'docker', label: c.name, path: '', containerId: c.id, containerName: c.name };
    targets.push({ ns, status: c.status, interfaces: [] });
  }

  // one `ip` per namespace, several at once. (Not `ip -all netns exec`: each of
  // its namespaces gets a new mount namespace and /sys, which slows to minutes on a
  // host with hundreds of namespaces being made and removed.)
  const readable = targets.filter((t) => t.ns.path !== '');
  await forEachLimit(readable, PARALLEL_READS, async (t) => {
    try {
      t.interfaces = await readInterfaces(t.ns);
    } catch (err) {
      t.error = err instanceof Error ? err.message : String(err);
    }
  });
  // the names behind namespace ids only where they tell candidate peers apart: asking costs
  // each namespace a lookup of every namespace on the host
  await forEachLimit(targetsNeedingNetnsIds(readable), PARALLEL_READS, async (t) => {
    try {
      t.netnsIds = await readNetnsIds(t.ns);
    } catch {
      // gone since its interfaces were read: its ends stay unnamed, as they were
    }
  });
  return { targets, links: resolveLinks(targets), warnings };
}
