import type Dockerode from 'dockerode';
import { TargetError } from '../errors.js';
import { dockerClient } from './docker-client.js';
import { engineGet, localEngineSocket } from './engine-api.js';

/** What chainmail needs to know about a container. */
export interface ContainerInfo {
  id: string;
  name: string;
  running: boolean;
  status: string;
  pid: number;
  image: string;
}

const ENGINE_HINT = 'docker targets are unavailable; netns, pid and path targets still work';
const TIMEOUT_MS = 10_000;

/**
 * The Docker engine, reached lazily. A local engine is read over its socket
 * (engine-api.ts); dockerode is loaded the first time a verb needs more, or
 * the engine is not local, so verbs on namespaces never pay for it.
 */
export class DockerEngine {
  private client?: Dockerode;

  private async docker(): Promise<Dockerode> {
    if (!this.client) {
      this.client = await dockerClient({ timeout: TIMEOUT_MS });
    }
    return this.client;
  }

  private async inspect(nameOrId: string): Promise<Dockerode.ContainerInspectInfo> {
    const socket = localEngineSocket();
    if (socket) return await engineGet(socket, `/containers/${encodeURIComponent(nameOrId)}/json`, TIMEOUT_MS) as Dockerode.ContainerInspectInfo;
    return (await this.docker()).getContainer(nameOrId).inspect();
  }

  private async listAll(): Promise<Dockerode.ContainerInfo[]> {
    const socket = localEngineSocket();
    if (socket) return await engineGet(socket, '/containers/json?all=1', TIMEOUT_MS) as Dockerode.ContainerInfo[];
    return (await this.docker()).listContainers({ all: true });
  }

  /** The container, or undefined when there is none of that name/id. */
  async find(nameOrId: string): Promise<ContainerInfo | undefined> {
    try {
      const info = await this.inspect(nameOrId);
      // the engine also matches short id prefixes ("c" may be anyone's container): take a
      // name exactly, an id only from 12 characters on, as docker ps shows it
      if (info.Name !== `/${nameOrId}` && !(nameOrId.length >= 12 && info.Id.startsWith(nameOrId))) return undefined;
      return {
        id: info.Id,
        name: info.Name.replace(/^\//, ''),
        running: info.State.Running,
        status: info.State.Status,
        pid: info.State.Pid,
        image: info.Config.Image,
      };
    } catch (err) {
      if (statusCode(err) === 404) return undefined;
      throw unreachable(err);
    }
  }

  /** Every container, running or not. */
  async list(): Promise<ContainerInfo[]> {
    let summaries: Dockerode.ContainerInfo[];
    try {
      summaries = await this.listAll();
    } catch (err) {
      throw unreachable(err);
    }
    const running = summaries.filter((c) => c.State === 'running');
    // the pid is only in inspect; ask for the running ones, in parallel
    const pids = new Map<string, number>();
    await Promise.all(running.map(async (c) => {
      try {
        pids.set(c.Id, (await this.inspect(c.Id)).State.Pid);
      } catch { /* gone between list and inspect */ }
    }));
    return summaries.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      running: c.State === 'running' && (pids.get(c.Id) ?? 0) > 0,
      status: c.State,
      pid: pids.get(c.Id) ?? 0,
      image: c.Image,
    }));
  }

  async kill(nameOrId: string): Promise<void> {
    try {
      await (await this.docker()).getContainer(nameOrId).kill();
    } catch (err) {
      if (statusCode(err) === 404) throw new TargetError(`no container named "${nameOrId}"`);
      if (statusCode(err) === 409) throw new TargetError(`container "${nameOrId}" is not running`);
      throw unreachable(err);
    }
  }
}

function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? Number(err.statusCode) : undefined;
}

function unreachable(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new TargetError(`cannot reach the Docker engine (${reason}): ${ENGINE_HINT}`);
}
