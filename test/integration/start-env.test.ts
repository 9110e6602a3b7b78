/**
 * How the program starts: bin/chainmail.js is a plain `#!/usr/bin/env node`
 * script and nothing in chainmail edits its environment, so what the bin is
 * given (NODE_EXTRA_CA_CERTS, and CI, DEV, NODE_ENV, which Ink and React
 * read) is what every program it starts gets: seen by a stand-in for `ip`,
 * first on PATH, that writes down its environment and runs the real one.
 * The one TLS connection chainmail makes itself, to a remote Docker engine,
 * trusts the CAs of NODE_EXTRA_CA_CERTS: proven against a TLS engine
 * stand-in on loopback whose certificate only that CA signed.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainmail, chainmailAsync } from '../support/kernel.js';

const dir = mkdtempSync(join(tmpdir(), 'cmt-ca-'));
const caFile = join(dir, 'ca.pem');

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A CA of our own and a certificate for 127.0.0.1 signed by it (openssl, EC keys: quick). */
function makeCertificates(): { key: string; cert: string } {
  const openssl = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=chainmail test CA']);
  openssl(['req', ...ec, '-keyout', 'engine.key', '-out', 'engine.csr', '-subj', '/CN=127.0.0.1']);
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(['x509', '-req', '-in', 'engine.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'engine.pem', '-days', '1', '-extfile', 'san.ext']);
  return { key: readFileSync(join(dir, 'engine.key'), 'utf8'), cert: readFileSync(join(dir, 'engine.pem'), 'utf8') };
}

describe('the environment chainmail starts with', () => {
  it('reaches the programs it runs unchanged', () => {
    const realIp = execFileSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).trim();
    const bin = mkdtempSync(join(dir, 'path-'));
    const seen = join(dir, 'ip-env');
    // NUL-separated, so a value may hold any character; the file holds the last `ip` run
    writeFileSync(join(bin, 'ip'), `#!/bin/sh\nenv -0 > '${seen}'\nexec '${realIp}' "$@"\n`);
    chmodSync(join(bin, 'ip'), 0o755);
    const given = {
      NODE_EXTRA_CA_CERTS: join(dir, 'extra-ca.pem'),
      CI: 'true',
      CONTINUOUS_INTEGRATION: '1',
      DEV: 'true',
      NODE_ENV: 'development',
      CHAINMAIL_TEST_MARK: 'a b=c',
    };

    const r = chainmail(['routes', 'host', '--json'], { ...given, PATH: `${bin}:${process.env.PATH}` });
    expect(r.code, r.stderr).toBe(0);
    const env = Object.fromEntries(
      readFileSync(seen, 'utf8')
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    for (const [name, value] of Object.entries(given)) expect(env[name], name).toBe(value);
  });
});

describe('a remote Docker engine over TLS', () => {
  let engine: Server;
  let port = 0;
  const asked: string[] = [];

  beforeAll(async () => {
    // answers what `ls` asks a remote engine: no containers
    engine = createServer(makeCertificates(), (req, res) => {
      asked.push(req.url ?? '');
      if (req.url?.includes('/containers/json')) res.writeHead(200, { 'Content-Type': 'application/json' }).end('[]');
      else res.writeHead(404).end('{"message":"not here"}');
    });
    await new Promise<void>((resolve) => engine.listen(0, '127.0.0.1', resolve));
    port = (engine.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => engine?.close(resolve));
  });

  it('is trusted with the CAs of NODE_EXTRA_CA_CERTS', async () => {
    // DOCKER_CERT_PATH, if the runner has one, would bring its own CA and leave the file out
    const remote = { DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '' };
    const trusted = await chainmailAsync(['ls', '--json'], { ...remote, NODE_EXTRA_CA_CERTS: caFile });
    expect(trusted.code, trusted.stderr).toBe(0);
    expect((JSON.parse(trusted.stdout) as { warnings: string[] }).warnings.join('\n')).not.toMatch(/Docker engine/);
    expect(asked.some((url) => url.includes('/containers/json'))).toBe(true);

    // the control: without the CA, the same engine is refused for its certificate
    const untrusted = await chainmailAsync(['ls', '--json'], { ...remote, NODE_EXTRA_CA_CERTS: '' });
    expect((JSON.parse(untrusted.stdout) as { warnings: string[] }).warnings.join('\n')).toMatch(/cannot reach the Docker engine.*certificate/);
  });
});
