/**
 * Read-only requests to a local Docker engine over its socket, with
 * node:http. `ls` and every docker target read the engine, and loading
 * dockerode takes longer (100 to 250 ms here) than `ls` over 50 namespaces
 * has in all; dockerode stays for what it is needed for: engines reached
 * over tcp:// or ssh://, killing containers and the UI's event stream.
 */

/** The engine's socket when it is local (DOCKER_HOST unset or unix://); undefined for any other DOCKER_HOST. */
export function localEngineSocket(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const host = env.DOCKER_HOST;
  if (host === undefined || host === '') return '/var/run/docker.sock';
  return host.startsWith('unix://') ? host.slice('unix://'.length) : undefined;
}

/** The engine answered with an error status (404: no such container). */
export class EngineStatusError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
    this.name = 'EngineStatusError';
  }
}

/** GET `path` from the engine at `socketPath` and parse its JSON answer. */
export async function engineGet(socketPath: string, path: string, timeoutMs: number): Promise<unknown> {
  // loaded here, not at start: verbs on namespaces never ask the engine
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path, method: 'GET', headers: { Host: 'docker' }, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status < 200 || status >= 300) {
          reject(new EngineStatusError(status, `(HTTP code ${status}) ${engineMessage(text)}`));
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

function engineMessage(text: string): string {
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
  } catch { /* not JSON: the text itself */ }
  return text.trim().split('\n')[0] ?? '';
}
