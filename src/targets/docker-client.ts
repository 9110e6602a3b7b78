import { accessSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type Dockerode from 'dockerode';

/**
 * The ways to the Docker engine, all here: dockerode, which finds the engine
 * as the docker CLI does (DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH),
 * for every call but the local reads below. DockerEngine (docker.ts) and the
 * UI's event stream (watch/docker-events.ts) are their only users.
 */

/** A dockerode client (loaded on first use: verbs on namespaces never pay for it). */
export async function dockerClient(options: Dockerode.DockerOptions = {}): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  return new Docker(options);
}

/*
 * Reading a local engine (listing containers, inspecting one) is done with
 * node:http instead: `ls` and every docker target read the engine, and
 * loading dockerode, or even docker-modem alone (its SSH support loads with
 * it), costs more than all of `ls`'s own work (README, Performance).
 * Engines reached otherwise are read through dockerode.
 */

/**
 * The engine's socket when it is local: docker-modem's rule, so that these
 * reads and dockerode's calls reach the same engine (DOCKER_HOST unset, or
 * unix:// with no path: ~/.docker/run/docker.sock if there, else
 * /var/run/docker.sock). undefined for any other DOCKER_HOST.
 */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string | undefined {
  const host = env.DOCKER_HOST;
  if (host && !host.startsWith('unix://')) return undefined;
  const path = host?.slice('unix://'.length);
  if (path) return path;
  const user = join(home, '.docker', 'run', 'docker.sock');
  try {
    accessSync(user);
    return user;
  } catch {
    return '/var/run/docker.sock';
  }
}

/** The engine answered with an error status (404: no such container); shaped as dockerode's errors are. */
export class EngineStatusError extends Error {
  readonly json: { message: string };
  constructor(
    readonly statusCode: number,
    engineMessage: string,
  ) {
    super(`(HTTP code ${statusCode}) ${engineMessage}`);
    this.name = 'EngineStatusError';
    this.json = { message: engineMessage };
  }
}

/** GET `path` from the engine at `socketPath` and parse its JSON answer. */
export async function engineGet(socketPath: string, path: string, timeoutMs: number): Promise<unknown> {
  // a bare name's check (targets/resolve.ts) asks on every host, with Docker or without
  const missing = missingSocket(socketPath);
  if (missing) throw missing;
  // loaded here, not at start: verbs on namespaces never ask the engine
  const [{ request }, { createConnection }] = await Promise.all([import('node:http'), import('node:net')]);
  return new Promise((resolve, reject) => {
    // one connection of its own, without an agent: an agent's pooling has nothing to pool for one
    // request, and it works out a TLS server name from the Host header first, which costs more than the request
    // the socket's own timeout: without an agent nothing else sets one, and request's `timeout` only listens for it
    const connect = () => createConnection({ path: socketPath, timeout: timeoutMs });
    const req = request({ path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs, createConnection: connect }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(new EngineStatusError(status, engineMessage(text)));
          return;
        }
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new Error(`the engine's answer to ${path} is not JSON`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end();
  });
}

/**
 * When nothing is at the engine socket's path: the error connecting to it would give, said without
 * loading node:http or dockerode (both take a moment, on every host without Docker). Undefined when
 * something is there, or looking failed otherwise: the connect then says why.
 */
export function missingSocket(path: string): Error | undefined {
  try {
    statSync(path);
    return undefined;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? Object.assign(new Error(`connect ENOENT ${path}`), { code: 'ENOENT' }) : undefined;
  }
}

function engineMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch {
    /* not JSON: the text itself */
  }
  return text.trim().split('\n')[0] ?? '';
}
