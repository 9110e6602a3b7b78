import { watch, type FSWatcher, existsSync } from 'node:fs';
import { NETNS_DIR } from '../targets/namespace.js';

/**
 * Named namespaces appear and vanish as files in /var/run/netns. The folder
 * itself may not exist until the first `ip netns add`, so until then it is
 * looked for once a second.
 */
export class NetnsDirWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(private readonly onChange: () => void) {}

  start(): void {
    if (this.tryWatch()) return;
    this.timer = setInterval(() => {
      if (this.tryWatch()) {
        clearInterval(this.timer);
        this.onChange();
      }
    }, 1000);
  }

  stop(): void {
    this.watcher?.close();
    clearInterval(this.timer);
  }

  private tryWatch(): boolean {
    if (!existsSync(NETNS_DIR)) return false;
    try {
      this.watcher = watch(NETNS_DIR, () => this.onChange());
      this.watcher.on('error', () => {
        this.watcher?.close();
        this.start();
      });
      return true;
    } catch {
      return false;
    }
  }
}
