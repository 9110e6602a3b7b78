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
 * file, as Node would have trusted them. undefined when nothing is to add.
 */
async function extraCaFor(env: NodeJS.ProcessEnv): Promise<string[] | undefined> {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (!extra || env.DOCKER_CERT_PATH || !overTls(env)) return undefined;
  let pem: string;
  try {
    pem = readFileSync(extra, 'utf8');
  } catch {
    return undefined; // as Node does with an unreadable file: its own roots only
  }
  const { rootCertificates } = await import('node:tls');
  return [...rootCertificates, pem];
}

/** docker-modem's rule: a tcp engine is spoken to over TLS when DOCKER_TLS_VERIFY=1 or on port 2376. */
function overTls(env: NodeJS.ProcessEnv): boolean {
  const host = env.DOCKER_HOST;
  if (!host || /^(unix|npipe|ssh):\/\//.test(host)) return false;
  if (env.DOCKER_TLS_VERIFY === '1') return true;
  try {
    return new URL(host.includes('//') ? host : `tcp://${host}`).port === '2376';
  } catch {
    return false;
  }
}
