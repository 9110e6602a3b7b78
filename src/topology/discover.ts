import { readInterfaces, readInterfacesOfEach, readNetnsIdsOfEach } from './read.js';
import type { DockerEngine } from '../targets/docker.js';
import { hostNamespace, type Namespace } from '../targets/namespace.js';
import { containerNamespace, listNetnsNames, netnsNamespace } from '../targets/resolve.js';
import { TargetError } from '../errors.js';
import { resolveLinks, targetsNeedingNetnsIds } from './links.js';
import type { TargetState, Topology } from './model.js';

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

  // the host by one `ip` of its own (it needs no nsenter, nor root); the rest from a few processes
  // (sys/fan-out.ts). (Not `ip -all netns exec`: each of its namespaces gets a new mount namespace
  // and /sys, which slows to minutes on a host with hundreds of namespaces being made and removed.)
  const readable = targets.filter((t) => t.ns.path !== '');
  const entered = readable.filter((t) => t.ns.kind !== 'host');
  const [hostRead, readings] = await Promise.all([
    Promise.all(
      readable
        .filter((t) => t.ns.kind === 'host')
        .map((t) =>
          readInterfaces(t.ns).then(
            (interfaces) => ({ t, interfaces }),
            (err: unknown) => ({ t, interfaces: err instanceof Error ? err : new Error(String(err)) }),
          ),
        ),
    ),
    readInterfacesOfEach(entered.map((t) => t.ns)),
  ]);
  for (const { t, interfaces } of [...hostRead, ...entered.map((t, i) => ({ t, interfaces: readings[i]! }))]) {
    if (interfaces instanceof Error) t.error = interfaces.message;
    else t.interfaces = interfaces;
  }
  // the names behind namespace ids only where they tell candidate peers apart: asking costs
  // each namespace a lookup of every namespace on the host
  const needing = targetsNeedingNetnsIds(readable);
  const ids = await readNetnsIdsOfEach(needing.map((t) => t.ns));
  for (const [i, t] of needing.entries()) {
    const found = ids[i]!;
    // gone since its interfaces were read: its ends stay unnamed, as they were
    if (!(found instanceof Error)) t.netnsIds = found;
  }
  return { targets, links: resolveLinks(targets), warnings };
}
