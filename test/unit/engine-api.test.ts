/**
 * chainmail reads a local Docker engine over its socket with node:http.
 * Here a small fake engine answers on a socket in a temporary folder, so the
 * requests, the answers and the errors are checked without Docker.
 */
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGet, EngineStatusError, localEngineSocket } from '../../src/targets/engine-api.js';
import { DockerEngine } from '../../src/targets/docker.js';

describe('localEngineSocket', () => {
  it('is the default socket when DOCKER_HOST is unset or empty', () => {
    expect(localEngineSocket({})).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: '' })).toBe('/var/run/docker.sock');
  });
  it('is the path of a unix:// DOCKER_HOST', () => {
    expect(localEngineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
  });
  it('is undefined for engines reached otherwise (dockerode takes those)', () => {
    expect(localEngineSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'ssh://me@box' })).toBeUndefined();
  });
});

describe('engineGet and DockerEngine against a fake engine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-engine-'));
  const socket = join(dir, 'docker.sock');
  const seen: string[] = [];
  let server: Server;
  const savedHost = process.env.DOCKER_HOST;

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.url ?? '');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (req.url === '/containers/json?all=1') {
        json(200, [
          { Id: 'a'.repeat(64), Names: ['/web'], Image: 'busybox', State: 'running' },
          { Id: 'b'.repeat(64), Names: ['/old'], Image: 'busybox', State: 'exited' },
        ]);
      } else if (req.url === `/containers/web/json` || req.url === `/containers/${'a'.repeat(64)}/json`) {
        json(200, { Id: 'a'.repeat(64), Name: '/web', State: { Running: true, Status: 'running', Pid: 4242 }, Config: { Image: 'busybox' } });
      } else if (req.url === '/containers/we/json') {
        // the engine matches id prefixes and names loosely; chainmail must not
        json(200, { Id: 'a'.repeat(64), Name: '/web', State: { Running: true, Status: 'running', Pid: 4242 }, Config: { Image: 'busybox' } });
      } else if (req.url === '/broken') {
        res.writeHead(200);
        res.end('not json');
      } else {
        json(404, { message: `No such container: ${req.url}` });
      }
    });
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    process.env.DOCKER_HOST = `unix://${socket}`;
  });

  afterAll(async () => {
    if (savedHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedHost;
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses a JSON answer', async () => {
    expect(await engineGet(socket, '/containers/json?all=1', 2000)).toHaveLength(2);
  });

  it('an error status becomes an EngineStatusError with the code and the engine\'s message', async () => {
    const err = await engineGet(socket, '/containers/nope/json', 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineStatusError);
    expect((err as EngineStatusError).statusCode).toBe(404);
    expect((err as Error).message).toBe('(HTTP code 404) No such container: /containers/nope/json');
  });

  it('an answer that is not JSON is an error, not a crash', async () => {
    await expect(engineGet(socket, '/broken', 2000)).rejects.toThrow(/not JSON/);
  });

  it('find: a container by name, with its pid; an unknown one is undefined; a loose engine match is not taken', async () => {
    const engine = new DockerEngine();
    expect(await engine.find('web')).toEqual({ id: 'a'.repeat(64), name: 'web', running: true, status: 'running', pid: 4242, image: 'busybox' });
    expect(await engine.find('nosuch')).toBeUndefined();
    expect(await engine.find('we')).toBeUndefined();
  });

  it('list: every container, running ones with their pid', async () => {
    const list = await new DockerEngine().list();
    expect(list.map((c) => [c.name, c.running, c.pid])).toEqual([['web', true, 4242], ['old', false, 0]]);
  });

  it('a name with a slash or space is one path segment, escaped', async () => {
    seen.length = 0;
    await new DockerEngine().find('a b/c');
    expect(seen).toEqual(['/containers/a%20b%2Fc/json']);
  });

  it('no engine at the socket: one line saying so, naming the socket', async () => {
    process.env.DOCKER_HOST = `unix://${dir}/nothing.sock`;
    try {
      await expect(new DockerEngine().list()).rejects.toThrow(`cannot reach the Docker engine (connect ENOENT ${dir}/nothing.sock): docker targets are unavailable`);
    } finally {
      process.env.DOCKER_HOST = `unix://${socket}`;
    }
  });
});
