import { watch, type FSWatcher, existsSync } from 'node:fs';

/**
 * Files appearing and vanishing in a folder: named namespaces in
 * /var/run/netns, other chainmail processes' target locks. The folder itself
 * may not exist until its first file, so until then it is looked for once a
 * second.
 */
export class DirWatcher {
  private watcher?: FSWatcher;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly dir: string,
    /** A file of the folder changed (its name, when the platform says it); also once when the folder appears. */
    private readonly onChange: (file?: string) => void,
  ) {}

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
    if (!existsSync(this.dir)) return false;
    try {
      this.watcher = watch(this.dir, (_event, file) => this.onChange(file ?? undefined));
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
