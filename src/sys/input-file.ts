/**
 * Reading a chain, tutorial or batch file's text, bounded, with the error a
 * user can act on. Apart from the YAML parser (parse/yaml-file.ts) so that a
 * batch, which is not YAML, does not load it.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ChainmailError, EXIT_USAGE } from '../errors.js';

/**
 * The most a chain, tutorial or batch file may hold: far more than any real
 * one (a chain of a thousand nodes is some 60 KiB), little enough that the
 * YAML parser answers within a second.
 */
export const MAX_FILE_BYTES = 1024 * 1024;

/**
 * A file's text; one that cannot be read is a usage error. Only a regular
 * file is read (a device such as /dev/zero never ends), and at most
 * MAX_FILE_BYTES of it.
 */
export function readInputFile(path: string, kind: string): string {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const st = fstatSync(fd);
    if (st.isDirectory()) throw Object.assign(new Error('it is a directory'), { code: 'EISDIR' });
    if (!st.isFile()) throw new ChainmailError(`${path}:1: not a regular file; a ${kind} file is a file of text`, EXIT_USAGE);
    const buffer = Buffer.alloc(Math.min(st.size, MAX_FILE_BYTES) + 1);
    let length = 0;
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0;) length += n;
    if (length > MAX_FILE_BYTES) {
      throw new ChainmailError(`${path}:1: the file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB; a ${kind} file is far smaller`, EXIT_USAGE);
    }
    return buffer.toString('utf8', 0, length);
  } catch (err) {
    if (err instanceof ChainmailError) throw err;
    throw new ChainmailError(`${path}: cannot read the ${kind} file: ${readFailure(err)}`, EXIT_USAGE);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function readFailure(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
