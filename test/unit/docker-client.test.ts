/**
 * How chainmail reaches the Docker engine (src/targets/docker-client.ts and
 * the DockerEngine of src/targets/docker.ts). Here a small fake engine
 * answers on a socket in a temporary folder, so the requests, the answers
 * and the errors are checked without Docker; the integration tests use a
 * real engine.
 */
import { spawnSync } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineGet, EngineStatusError, localEngineSocket } from '../../src/targets/docker-client.js';
import { DockerEngine, engineReason, tarOfOneFile } from '../../src/targets/docker.js';

describe('localEngineSocket', () => {
  const noHome = mkdtempSync(join(tmpdir(), 'cm-home-'));
  afterAll(() => rmSync(noHome, { recursive: true, force: true }));

  it('is the default socket when DOCKER_HOST is unset or empty', () => {
    expect(localEngineSocket({}, noHome)).toBe('/var/run/docker.sock');
    expect(localEngineSocket({ DOCKER_HOST: '' }, noHome)).toBe('/var/run/docker.sock');
  });
  it('is the path of a unix:// DOCKER_HOST', () => {
    expect(localEngineSocket({ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' })).toBe('/run/user/1000/docker.sock');
  });
  it('is undefined for engines reached otherwise (dockerode takes those)', () => {
    expect(localEngineSocket({ DOCKER_HOST: 'tcp://10.0.0.1:2376' })).toBeUndefined();
    expect(localEngineSocket({ DOCKER_HOST: 'ssh://me@box' })).toBeUndefined();
  });
  it('is ~/.docker/run/docker.sock when that is there, as dockerode finds it', () => {
    const home = mkdtempSync(join(tmpdir(), 'cm-home-'));
    try {
      mkdirSync(join(home, '.docker', 'run'), { recursive: true });
      writeFileSync(join(home, '.docker', 'run', 'docker.sock'), '');
      expect(localEngineSocket({}, home)).toBe(join(home, '.docker', 'run', 'docker.sock'));
      expect(localEngineSocket({ DOCKER_HOST: 'unix://' }, home)).toBe(join(home, '.docker', 'run', 'docker.sock'));
      expect(localEngineSocket({ DOCKER_HOST: 'unix://' }, noHome)).toBe('/var/run/docker.sock');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("engineReason: an engine call's failure in one line", () => {
  it("the engine's own message when it answered", () => {
    expect(engineReason(new EngineStatusError(404, 'No such image: nosuch:image'))).toBe('No such image: nosuch:image');
    // as docker-modem reports an error answer to a streamed request: no JSON, the message in the text
    const streamed = Object.assign(
      new Error('(HTTP code 400) unexpected - OCI runtime exec failed: exec failed: "httpd": executable file not found in $PATH: unknown '),
      { statusCode: 400, json: null },
    );
    expect(engineReason(streamed)).toBe('OCI runtime exec failed: exec failed: "httpd": executable file not found in $PATH: unknown');
  });
  it('that the engine could not be reached, and why', () => {
    expect(engineReason(Object.assign(new Error('connect ENOENT /var/run/docker.sock'), { code: 'ENOENT' }))).toBe(
      'cannot reach the Docker engine (connect ENOENT /var/run/docker.sock)',
    );
  });
  it('a deadline passed', () => {
    expect(engineReason(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBe('timed out after 15000 ms');
    expect(engineReason(Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }))).toBe('timed out after 15000 ms');
  });
});

describe('tarOfOneFile', () => {
  it('is an archive tar reads back: the one file, its bytes exactly, mode 0644, owned by root', () => {
    const body = 'line one "quoted" $(not run) `nor this`\nzweite Zeile: ünïcode ✓\n' + 'x'.repeat(1000);
    const tar = tarOfOneFile('index.html', Buffer.from(body, 'utf8'));
    expect(tar.length % 512).toBe(0);
    const list = spawnSync('tar', ['-tvf', '-'], { input: tar, encoding: 'utf8' });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^-rw-r--r-- root\/root +\d+ .* index\.html\n$/);
    const out = spawnSync('tar', ['-xOf', '-'], { input: tar });
    expect(out.status, String(out.stderr)).toBe(0);
    expect(out.stdout.toString('utf8')).toBe(body);
  });
  it('an empty file is a file too', () => {
    const out = spawnSync('tar', ['-tf', '-'], { input: tarOfOneFile('index.html', Buffer.alloc(0)), encoding: 'utf8' });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toBe('index.html\n');
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

  it("an error status becomes an EngineStatusError with the code and the engine's message", async () => {
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
    expect(list.map((c) => [c.name, c.running, c.pid])).toEqual([
      ['web', true, 4242],
      ['old', false, 0],
    ]);
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

describe('engineGet against an engine that never answers', () => {
  it('gives up after its timeout, saying so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cm-silent-'));
    const path = join(dir, 'silent.sock');
    // accepts the connection, reads the request, answers nothing
    const silent = createNetServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(path, resolve));
    try {
      const started = Date.now();
      await expect(engineGet(path, '/containers/json', 300)).rejects.toThrow('timed out');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('DockerEngine changes containers through dockerode, as the docker CLI did', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cm-engine-'));
  const socket = join(dir, 'docker.sock');
  interface Request {
    method: string;
    path: string;
    query: URLSearchParams;
    body: Buffer;
  }
  const requests: Request[] = [];
  const pulled = new Set<string>();
  let server: Server;
  const savedHost = process.env.DOCKER_HOST;
  const ID = 'c'.repeat(64);

  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });

  beforeAll(async () => {
    server = createServer(
      (req, res) =>
        void read(req).then((body) => {
          const url = new URL(req.url ?? '/', 'http://docker');
          const r = { method: req.method ?? '', path: url.pathname, query: url.searchParams, body };
          requests.push(r);
          const json = (status: number, value?: unknown) => {
            res.writeHead(status, { 'Content-Type': 'application/json' });
            res.end(value === undefined ? '' : JSON.stringify(value));
          };
          const key = `${r.method} ${r.path}`;
          if (key === 'POST /containers/create') {
            const image = (JSON.parse(body.toString()) as { Image: string }).Image;
            if (url.searchParams.get('name') === 'taken') json(409, { message: 'Conflict. The container name "/taken" is already in use by container "abc".' });
            else if (image.startsWith('local') || pulled.has(image)) json(201, { Id: ID });
            else json(404, { message: `No such image: ${image}` });
          } else if (key === 'POST /images/create') {
            const image = `${url.searchParams.get('fromImage')}:${url.searchParams.get('tag')}`;
            res.writeHead(200, { 'Content-Type': 'application/json' });
            if (image.startsWith('private')) {
              res.end(
                `${JSON.stringify({ status: 'Pulling' })}\n${JSON.stringify({ error: "pull access denied for private, repository does not exist or may require 'docker login'" })}\n`,
              );
            } else {
              pulled.add(image);
              res.end(`${JSON.stringify({ status: 'Pulling' })}\n${JSON.stringify({ status: 'Downloaded newer image' })}\n`);
            }
          } else if (key === `POST /containers/${ID}/start` || key === 'POST /containers/stopped/start') json(204);
          else if (key === 'POST /containers/running/start') json(304);
          else if (key === 'DELETE /containers/web') json(204);
          else if (key === 'PUT /containers/web/archive') json(200);
          else if (key === 'POST /containers/web/exec') json(201, { Id: (JSON.parse(body.toString()) as { Cmd: string[] }).Cmd.includes('fails') ? 'e1' : 'e0' });
          else if (/^POST \/exec\/e[01]\/start$/.test(key)) {
            res.writeHead(200, { 'Content-Type': 'application/vnd.docker.raw-stream' });
            res.end('some output');
          } else if (/^GET \/exec\/e[01]\/json$/.test(key)) json(200, { Running: false, ExitCode: key.includes('e1') ? 1 : 0 });
          else json(404, { message: `No such container: ${r.path.split('/')[2] ?? ''}` });
        }),
    );
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    process.env.DOCKER_HOST = `unix://${socket}`;
  });

  afterAll(async () => {
    if (savedHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = savedHost;
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const bodyOf = (r: Request | undefined) => JSON.parse(r?.body.toString() ?? 'null') as Record<string, unknown>;

  it("run: created with no network of Docker's, NET_ADMIN and NET_RAW, the label, image and command; then started", async () => {
    requests.length = 0;
    await new DockerEngine().run({ name: 'n1', image: 'local:1', command: ['sleep', '2000000'], labels: { 'chainmail.chain': 'ch' } });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /containers/create', `POST /containers/${ID}/start`]);
    expect(requests[0]!.query.get('name')).toBe('n1');
    expect(bodyOf(requests[0])).toMatchObject({
      Image: 'local:1',
      Cmd: ['sleep', '2000000'],
      Labels: { 'chainmail.chain': 'ch' },
      HostConfig: { NetworkMode: 'none', CapAdd: ['NET_ADMIN', 'NET_RAW'] },
    });
  });

  it('run: an image the engine lacks is pulled first, as docker run does', async () => {
    requests.length = 0;
    await new DockerEngine().run({ name: 'n2', image: 'remote:2', command: ['sleep', '1'], labels: {} });
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /containers/create',
      'POST /images/create',
      'POST /containers/create',
      `POST /containers/${ID}/start`,
    ]);
    expect(requests[1]!.query.get('fromImage')).toBe('remote');
    expect(requests[1]!.query.get('tag')).toBe('2');
  });

  it("run: a pull that fails part way, and a name taken, are errors in the engine's words", async () => {
    const pull = await new DockerEngine().run({ name: 'n3', image: 'private:1', command: [], labels: {} }).catch((e: unknown) => e);
    expect(engineReason(pull)).toBe("no such image here, and pulling it failed: pull access denied for private, repository does not exist or may require 'docker login'");
    const taken = await new DockerEngine().run({ name: 'taken', image: 'local:1', command: [], labels: {} }).catch((e: unknown) => e);
    expect(engineReason(taken)).toBe('Conflict. The container name "/taken" is already in use by container "abc".');
  });

  it('start: a stopped container is started; one running already is fine; none of that name is an error', async () => {
    const engine = new DockerEngine();
    await engine.start('stopped');
    await engine.start('running');
    expect(engineReason(await engine.start('nosuch').catch((e: unknown) => e))).toBe('No such container: nosuch');
  });

  it('remove: forced; a container that is not there is no failure', async () => {
    requests.length = 0;
    const engine = new DockerEngine();
    expect(await engine.remove('web')).toBe(true);
    expect(requests[0]!.query.get('force')).toBe('true');
    expect(await engine.remove('gone')).toBe(false);
  });

  it('writeFile: the file goes in as a tar unpacked in the folder', async () => {
    requests.length = 0;
    await new DockerEngine().writeFile('web', '/www', 'index.html', '<title>a "page"</title>\n');
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['PUT /containers/web/archive']);
    expect(requests[0]!.query.get('path')).toBe('/www');
    const out = spawnSync('tar', ['-xOf', '-', 'index.html'], { input: requests[0]!.body });
    expect(out.stdout.toString()).toBe('<title>a "page"</title>\n');
    expect(engineReason(await new DockerEngine().writeFile('nosuch', '/www', 'index.html', '').catch((e: unknown) => e))).toBe('No such container: nosuch');
  });

  it('execDetached: the program is created and started detached', async () => {
    requests.length = 0;
    await new DockerEngine().execDetached('web', ['httpd', '-f', '-p', '80', '-h', '/www']);
    expect(requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /containers/web/exec', 'POST /exec/e0/start']);
    expect(bodyOf(requests[0])).toMatchObject({ Cmd: ['httpd', '-f', '-p', '80', '-h', '/www'] });
    expect(bodyOf(requests[1])).toMatchObject({ Detach: true });
  });

  it('execSucceeds: runs the program to its end and says whether it exited 0', async () => {
    const engine = new DockerEngine();
    expect(await engine.execSucceeds('web', ['pidof', 'httpd'])).toBe(true);
    expect(await engine.execSucceeds('web', ['fails'])).toBe(false);
  });
});
