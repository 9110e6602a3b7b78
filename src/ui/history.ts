/**
 * The prompt's command history: navigation like readline (the line being
 * typed is kept while browsing), persisted one line per command. History may
 * hold addresses and names, so a new file is private (0600, narrowed further
 * by the umask); an existing file keeps whatever mode its owner gave it.
 * chainmail runs as root, often with a HOME it does not own: the file must
 * be a regular file, and a symbolic link in its place is not followed (it
 * could point root's appends at any file). Failures never throw: the UI
 * reads `error` and carries on without persistence.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_HISTORY_PATH = join(homedir(), '.chainmail_history');
export const HISTORY_LIMIT = 1000;

export interface HistoryOptions {
  /** The file to load and append to; null keeps history in memory only. */
  path?: string | null;
  /** How many entries are kept (the oldest go first). */
  limit?: number;
}

export class CommandHistory {
  readonly path: string | null;
  readonly limit: number;
  /** The last failure to read or write the file, for the UI to show. */
  error: string | undefined;
  #entries: string[] = [];
  /** Index of the entry shown; entries.length means the draft. */
  #position = 0;
  #draft = '';

  constructor(options: HistoryOptions = {}) {
    this.path = options.path === undefined ? DEFAULT_HISTORY_PATH : options.path;
    this.limit = options.limit ?? HISTORY_LIMIT;
    this.load();
  }

  get entries(): readonly string[] {
    return this.#entries;
  }

  /** Reads the file again (the constructor already did); a missing file is an empty history. */
  load(): this {
    if (this.path === null) return this;
    let fd: number | undefined;
    try {
      fd = openHistory(this.path, constants.O_RDONLY);
      const lines = readFileSync(fd, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '');
      this.#entries = lines.slice(-this.limit);
    } catch (err) {
      if (!isMissing(err)) this.error = `cannot read history ${this.path}: ${messageOf(err)}`;
    } finally {
      if (fd !== undefined) closeQuietly(fd);
    }
    this.reset();
    return this;
  }

  /** Records a run line: blank lines and a repeat of the last entry are skipped. */
  add(line: string): void {
    const entry = line.trim();
    // control characters would break the one-line-per-entry file
    const skip = entry === '' || /[\x00-\x1f\x7f]/.test(entry) || entry === this.#entries.at(-1);
    if (!skip) {
      this.#entries.push(entry);
      if (this.#entries.length > this.limit) this.#entries.splice(0, this.#entries.length - this.limit);
      this.#append(entry);
    }
    this.reset();
  }

  /** The entry before the one shown; `current` is kept as the draft when leaving it. */
  previous(current: string): string | undefined {
    if (this.#position === 0) return undefined;
    if (this.#position === this.#entries.length) this.#draft = current;
    this.#position--;
    return this.#entries[this.#position];
  }

  /** The entry after the one shown, or the draft again at the bottom. */
  next(): string | undefined {
    if (this.#position >= this.#entries.length) return undefined;
    this.#position++;
    return this.#position === this.#entries.length ? this.#draft : this.#entries[this.#position];
  }

  /** Back to the bottom, with no draft. */
  reset(): void {
    this.#position = this.#entries.length;
    this.#draft = '';
  }

  #append(entry: string): void {
    if (this.path === null) return;
    let fd: number | undefined;
    try {
      // the mode applies only when the file is created; an existing file keeps its own
      fd = openHistory(this.path, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT);
      writeSync(fd, entry + '\n');
    } catch (err) {
      this.error = `cannot write history ${this.path}: ${messageOf(err)}`;
    } finally {
      if (fd !== undefined) closeQuietly(fd);
    }
  }
}

/**
 * Opens the history file without following a symbolic link, and without
 * blocking on a FIFO put in its place; anything but a regular file is refused.
 */
function openHistory(path: string, flags: number): number {
  let fd: number;
  try {
    fd = openSync(path, flags | constants.O_NOFOLLOW | constants.O_NONBLOCK, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ELOOP') throw new Error('it is a symbolic link; history is kept only in a regular file');
    throw err;
  }
  const st = fstatSync(fd);
  if (!st.isFile()) {
    closeQuietly(fd);
    throw new Error(st.isDirectory() ? 'EISDIR: it is a directory' : 'it is not a regular file');
  }
  return fd;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // nothing left to do with a descriptor that will not close
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
