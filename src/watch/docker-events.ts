import type { Readable } from 'node:stream';
import { dockerClient, localEngineSocket, missingSocket } from '../targets/docker-client.js';

export type EngineStatus = { state: 'connected' } | { state: 'unreachable'; reason: string } | { state: 'connecting' };

const RETRY_MS = 2000;

/**
 * Follows the Docker engine's container events (start, die, destroy...). When
 * the engine is not there, or goes away, it says so and tries again every two
 * seconds; namespaces keep working meanwhile. A local engine's socket is
 * looked for before dockerode is loaded.
 */
export class DockerEvents {
  private stream?: Readable;
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(
    private readonly onEvent: () => void,
    private readonly onStatus: (status: EngineStatus) => void,
  ) {}

  start(): void {
    this.stopped = false;
    void this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stream?.destroy();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    try {
      // no socket, no engine: said without loading dockerode, which the UI would wait out at start
      const socket = localEngineSocket();
      const missing = socket === undefined ? undefined : missingSocket(socket);
      if (missing) throw missing;
      const docker = await dockerClient();
      await docker.ping();
      const stream = (await docker.getEvents({ filters: { type: ['container'] } })) as unknown as Readable;
      if (this.stopped) {
        stream.destroy();
        return;
      }
      this.stream = stream;
      this.onStatus({ state: 'connected' });
      this.onEvent();
      stream.on('data', () => this.onEvent());
      const lost = (reason: string) => {
        if (this.stream !== stream) return;
        this.stream = undefined;
        this.onStatus({ state: 'unreachable', reason });
        this.onEvent();
        this.retry();
      };
      stream.on('end', () => lost('the engine closed the event stream'));
      stream.on('error', (err: Error) => lost(err.message));
    } catch (err) {
      this.onStatus({ state: 'unreachable', reason: err instanceof Error ? err.message : String(err) });
      this.retry();
    }
  }

  private retry(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.connect(), RETRY_MS);
  }
}
