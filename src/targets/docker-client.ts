import { readFileSync } from 'node:fs';
import type Dockerode from 'dockerode';

/**
 * A dockerode client for the engine DOCKER_HOST names (loaded on first use:
 * verbs on namespaces never pay for it).
 *
 * bin/chainmail.js starts Node without NODE_EXTRA_CA_CERTS, so the one TLS
 * connection chainmail makes itself, to a remote engine, gets those CAs here.
 */
export async function dockerClient(options: Dockerode.DockerOptions = {}): Promise<Dockerode> {
  const { default: Docker } = await import('dockerode');
  const ca = await extraCaFor(process.env);
  return new Docker({ ...options, ...(ca ? { ca } : {}) });
}

/**
 * The CAs for an engine reached over TLS without DOCKER_CERT_PATH (which
 * brings its own ca.pem): Node's bundled roots and the NODE_EXTRA_CA_CERTS
 * file, as Node would have trusted them. undefined when nothing is to add,
 * and when Node trusts OpenSSL's (the system's) store instead of its bundled
 * one: Node 20 cannot list that store, and a list would replace it.
 */
async function extraCaFor(env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra || env.DOCKER_CERT_PATH || !overTls(env) || trustsSystemStore(env)) return undefined;
  let pem: string;
  try {
    pem = readFileSync(extra, 'utf8');
  } catch {
    return undefined; // as Node does with an unreadable file: its own roots only
  }
  const { rootCertificates } = await import('node:tls');
  return [...rootCertificates, pem];
}

/** docker-modem's rule, in its order: any engine not on a local socket is spoken to over TLS when DOCKER_TLS_VERIFY=1 or on port 2376. */
function overTls(env: NodeJS.ProcessEnv): boolean {
  const host = env.DOCKER_HOST;
  if (!host || /^(unix|npipe):\/\//.test(host)) return false;
  if (env.DOCKER_TLS_VERIFY === '1') return true;
  try {
    return new URL(host.includes('//') ? host : `tcp://${host}`).port === '2376';
  } catch {
    return false;
  }
}

/** Node built to trust OpenSSL's store (as distributions' builds may be), or told to with --use-openssl-ca. */
function trustsSystemStore(env: NodeJS.ProcessEnv): boolean {
  const built = process.config.variables as Record<string, unknown>;
  if (built.openssl_use_def_ca_store === true || built.node_use_openssl_ca === true) return true;
  return [...process.execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].includes('--use-openssl-ca');
}
