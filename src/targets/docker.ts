import type { Readable } from 'node:stream';
import type Dockerode from 'dockerode';
import { TargetError } from '../errors.js';
import { dockerClient, engineGet, EngineStatusError, localEngineSocket } from './docker-client.js';

/** What chainmail needs to know about a container. */
export interface ContainerInfo {
  id: string;
  name: string;
  running: boolean;
  status: string;
  pid: number;
  image: string;
}

/** A container `chain up --docker` makes for a node. */
export interface NewContainer {
  name: string;
  image: string;
  command: readonly string[];
  labels: Readonly<Record<string, string>>;
}

const ENGINE_HINT = 'docker targets are unavailable; netns, pid and path targets still work';
/** How long the engine may stay silent on one request. */
const TIMEOUT_MS = 10_000;
/** How long one change (run, start, exec, remove) may take in all, as the docker CLI calls it replaces could (sys/exec.ts). */
const OPERATION_MS = 15_000;

/**
 * The Docker engine, reached lazily. A local engine is read over its socket
 * (docker-client.ts); dockerode is loaded the first time a verb needs more,
 * or the engine is not local, so verbs on namespaces never pay for it.
 * The methods that change containers throw the engine's errors as they come:
 * engineReason() says them in one line.
 */
export class DockerEngine {
  private client?: Promise<Dockerode>;

  /** One client, however many calls ask for it at once. */
  private docker(): Promise<Dockerode> {
    this.client ??= dockerClient({ timeout: TIMEOUT_MS });
    return this.client;
  }

  private async inspect(nameOrId: string): Promise<Dockerode.ContainerInspectInfo> {
    const socket = localEngineSocket();
    if (socket) return (await engineGet(socket, `/containers/${encodeURIComponent(nameOrId)}/json`, TIMEOUT_MS)) as Dockerode.ContainerInspectInfo;
    return (await this.docker()).getContainer(nameOrId).inspect();
  }

  private async listAll(): Promise<Dockerode.ContainerInfo[]> {
    const socket = localEngineSocket();
    if (socket) return (await engineGet(socket, '/containers/json?all=1', TIMEOUT_MS)) as Dockerode.ContainerInfo[];
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
    await Promise.all(
      running.map(async (c) => {
        try {
          pids.set(c.Id, (await this.inspect(c.Id)).State.Pid);
        } catch {
          /* gone between list and inspect */
        }
      }),
    );
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

  /**
   * Creates and starts a container as `docker run -d --net=none --cap-add
   * NET_ADMIN --cap-add NET_RAW` did: no network from Docker (chainmail
   * wires it), the capabilities to set up its own, and the image pulled
   * first when the engine does not have it.
   */
  async run(spec: NewContainer): Promise<void> {
    const docker = await this.docker();
    const abortSignal = AbortSignal.timeout(OPERATION_MS);
    const create = () =>
      docker.createContainer({
        name: spec.name,
        Image: spec.image,
        Cmd: [...spec.command],
        Labels: { ...spec.labels },
        HostConfig: { NetworkMode: 'none', CapAdd: ['NET_ADMIN', 'NET_RAW'] },
        abortSignal,
      });
    let container: Dockerode.Container;
    try {
      container = await create();
    } catch (err) {
      if (statusCode(err) !== 404) throw err; // 404: no such image
      await pull(docker, spec.image, abortSignal).catch((pullErr: unknown) => {
        throw new EngineStatusError(statusCode(pullErr) ?? 500, `no such image here, and pulling it failed: ${engineReason(pullErr)}`);
      });
      container = await create();
    }
    await container.start({ abortSignal });
  }

  /**
   * Makes sure the engine has an image, pulling it if not, before anything
   * is created from it (chain up asks first, so that a refused image
   * changes nothing). Throws with the engine's reason.
   */
  async ensureImage(image: string): Promise<void> {
    const docker = await this.docker();
    const abortSignal = AbortSignal.timeout(OPERATION_MS);
    try {
      await docker.getImage(image).inspect();
      return;
    } catch (err) {
      if (statusCode(err) !== 404) throw err;
    }
    await pull(docker, image, abortSignal).catch((pullErr: unknown) => {
      throw new EngineStatusError(statusCode(pullErr) ?? 500, `no such image here, and pulling it failed: ${engineReason(pullErr)}`);
    });
  }

  /** Starts a stopped container (`docker start`); one already running is left as it is. */
  async start(name: string): Promise<void> {
    try {
      await (await this.docker()).getContainer(name).start({ abortSignal: AbortSignal.timeout(OPERATION_MS) });
    } catch (err) {
      if (statusCode(err) !== 304) throw err; // 304: running already
    }
  }

  /** Removes a container, running or not (`docker rm -f`): false when there was none. */
  async remove(name: string): Promise<boolean> {
    try {
      await (await this.docker()).getContainer(name).remove({ force: true, abortSignal: AbortSignal.timeout(OPERATION_MS) });
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /** Writes one file into a container: a tar the engine unpacks, so no shell or program in the container is involved. */
  async writeFile(name: string, dir: string, file: string, content: string): Promise<void> {
    const container = (await this.docker()).getContainer(name);
    await container.putArchive(tarOfOneFile(file, Buffer.from(content, 'utf8')), { path: dir, abortSignal: AbortSignal.timeout(OPERATION_MS) });
  }

  /** Starts a program in a running container and leaves it running (`docker exec -d`). */
  async execDetached(name: string, cmd: readonly string[]): Promise<void> {
    const abortSignal = AbortSignal.timeout(OPERATION_MS);
    const exec = await (await this.docker()).getContainer(name).exec({ Cmd: [...cmd], abortSignal });
    // the answer is an empty stream: read to its end, or its connection keeps the process alive
    await drain(await exec.start({ Detach: true, abortSignal }));
  }

  /** Runs a program in a running container to its end (`docker exec`): whether it exited 0. */
  async execSucceeds(name: string, cmd: readonly string[]): Promise<boolean> {
    const abortSignal = AbortSignal.timeout(OPERATION_MS);
    const exec = await (await this.docker()).getContainer(name).exec({ Cmd: [...cmd], AttachStdout: true, AttachStderr: true, abortSignal });
    // the output ends when the program does; only its exit code is wanted
    await drain(await exec.start({ abortSignal }));
    return (await exec.inspect({ abortSignal })).ExitCode === 0;
  }

  /**
   * `docker exec -it NAME CMD` on this terminal: a TTY in the container,
   * the keyboard sent to it raw, its output written here, sized as the
   * terminal is and resized with it. Returns the program's exit code.
   */
  async execOnTerminal(name: string, cmd: readonly string[], env: readonly string[], terminal: Terminal): Promise<number> {
    // a client of its own, with no idle timeout: a shell may sit waiting for a key for hours
    const exec = await (await dockerClient()).getContainer(name).exec({
      Cmd: [...cmd],
      Env: [...env],
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
    });
    const stream = await exec.start({ hijack: true, stdin: true, Tty: true });
    const { input, output } = terminal;
    const resize = () => void exec.resize({ h: output.rows, w: output.columns }).catch(() => {});
    const raw = input.isTTY;
    if (raw) input.setRawMode(true);
    input.pipe(stream);
    stream.on('data', (b: Buffer) => output.write(b));
    output.on('resize', resize);
    resize();
    try {
      await new Promise<void>((resolve) => {
        stream.once('end', resolve);
        stream.once('close', resolve);
        stream.once('error', () => resolve());
      });
    } finally {
      output.off('resize', resize);
      input.unpipe(stream);
      if (raw) input.setRawMode(false);
      input.pause();
      stream.destroy();
    }
    return (await exec.inspect()).ExitCode ?? 0;
  }
}

/** The terminal a program in a container is given. */
export interface Terminal {
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
}

/** Reads a stream to its end, throwing it away. */
async function drain(stream: Readable): Promise<void> {
  const { finished } = await import('node:stream/promises');
  stream.resume();
  await finished(stream);
}

/** Pulls an image (what `docker run` does for one the engine lacks); errors the engine reports along the way included. */
async function pull(docker: Dockerode, image: string, abortSignal: AbortSignal): Promise<void> {
  const progress = (await docker.pull(image, { abortSignal })) as Readable;
  const events = await new Promise<Array<{ error?: unknown }>>((resolve, reject) => {
    docker.modem.followProgress(progress, (err: Error | null, out: Array<{ error?: unknown }>) => (err ? reject(err) : resolve(out)));
  });
  const failed = events.find((e) => typeof e.error === 'string');
  if (failed) throw new EngineStatusError(500, String(failed.error));
}

/**
 * What went wrong with an engine call, in one line: the engine's own
 * message when it answered, else why it could not be reached.
 */
export function engineReason(err: unknown): string {
  if (err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError')) return `timed out after ${OPERATION_MS} ms`;
  const text = err instanceof Error ? err.message : String(err);
  if (statusCode(err) === undefined) return `cannot reach the Docker engine (${firstLine(text)})`;
  const json = (err as { json?: unknown }).json;
  if (typeof json === 'object' && json !== null && 'message' in json && typeof json.message === 'string') return firstLine(json.message);
  // docker-modem's "(HTTP code 400) unexpected - MESSAGE " when the engine's answer was a stream
  return firstLine(text.replace(/^\(HTTP code \d+\) [^-]*? - /, ''));
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0]?.trim() ?? '';
}

/**
 * A ustar archive of one regular file (mode 0644, owned by root), for
 * putArchive: 512-byte header, the content padded to 512 bytes, and the two
 * empty blocks that end an archive.
 */
export function tarOfOneFile(name: string, content: Buffer): Buffer {
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'utf8');
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0') + '\0');
  if (Buffer.byteLength(name) > 100) throw new Error(`file name too long for a tar header: ${name}`);
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, Math.floor(Date.now() / 1000));
  field(148, 8, ' '.repeat(8)); // the checksum counts its own field as spaces
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  field(265, 32, 'root');
  field(297, 32, 'root');
  let sum = 0;
  for (const byte of header) sum += byte;
  field(148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}

function statusCode(err: unknown): number | undefined {
  return typeof err === 'object' && err !== null && 'statusCode' in err ? Number(err.statusCode) : undefined;
}

function unreachable(err: unknown): TargetError {
  if (err instanceof TargetError) return err;
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new TargetError(`cannot reach the Docker engine (${reason}): ${ENGINE_HINT}`);
}
