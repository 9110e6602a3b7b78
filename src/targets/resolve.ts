import { access, readdir } from 'node:fs/promises';
import { TargetError } from '../errors.js';
import type { TargetSpec } from '../parse/target.js';
import type { DockerEngine } from './docker.js';
import { hostNamespace, NETNS_DIR, type Namespace } from './namespace.js';

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

export async function listNetnsNames(): Promise<string[]> {
  try {
    return (await readdir(NETNS_DIR)).sort();
  } catch {
    return [];
  }
}

export function netnsNamespace(name: string): Namespace {
  return { kind: 'netns', label: name, path: `${NETNS_DIR}/${name}`, netnsName: name };
}

export function containerNamespace(name: string, id: string, pid: number): Namespace {
  return { kind: 'docker', label: name, path: `/proc/${pid}/ns/net`, pid, containerId: id, containerName: name };
}

/** Turns what the user wrote into a namespace that exists now, or a clear error. */
export async function resolveTarget(spec: TargetSpec, docker: DockerEngine): Promise<Namespace> {
  switch (spec.kind) {
    case 'host':
      return hostNamespace();
    case 'netns':
      if (!(await exists(`${NETNS_DIR}/${spec.name}`))) {
        throw new TargetError(`no network namespace named "${spec.name}" (ip netns list shows those that exist)`);
      }
      return netnsNamespace(spec.name);
    case 'pid':
      if (!(await exists(`/proc/${spec.pid}/ns/net`))) throw new TargetError(`no process with pid ${spec.pid}`);
      return { kind: 'pid', label: `pid ${spec.pid}`, path: `/proc/${spec.pid}/ns/net`, pid: spec.pid };
    case 'path':
      if (!(await exists(spec.path))) throw new TargetError(`namespace path ${spec.path} does not exist`);
      return { kind: 'path', label: spec.path, path: spec.path };
    case 'docker':
      return resolveContainer(spec.name, docker);
    case 'auto':
      return resolveBareName(spec.name, docker);
  }
}

async function resolveContainer(name: string, docker: DockerEngine): Promise<Namespace> {
  const c = await docker.find(name);
  if (!c) throw new TargetError(`no container named "${name}"`);
  if (!c.running || c.pid <= 0) throw new TargetError(`container "${c.name}" is not running (${c.status})`);
  return containerNamespace(c.name, c.id, c.pid);
}

/**
 * A bare NAME may be a container or a named namespace. Both existing is an
 * error that says how to pick one; the engine being down is not an error
 * when a namespace of that name exists.
 */
async function resolveBareName(name: string, docker: DockerEngine): Promise<Namespace> {
  const isNetns = await exists(`${NETNS_DIR}/${name}`);
  let container: Awaited<ReturnType<DockerEngine['find']>>;
  let dockerError: TargetError | undefined;
  try {
    container = await docker.find(name);
  } catch (err) {
    if (!(err instanceof TargetError)) throw err;
    dockerError = err;
  }
  if (isNetns && container) {
    throw new TargetError(`"${name}" is ambiguous: it is both a container (${container.id.slice(0, 12)}) and a network namespace`, [
      `  say which: docker ${name}   or   netns ${name}`,
    ]);
  }
  if (isNetns) return netnsNamespace(name);
  if (container) return resolveContainer(container.id, docker).then((ns) => ({ ...ns, label: container.name }));
  if (dockerError) throw new TargetError(`no network namespace named "${name}", and ${dockerError.message}`);
  throw new TargetError(`no container or network namespace named "${name}"`);
}
