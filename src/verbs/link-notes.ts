/**
 * Notes `link TARGET IF down` keeps of what the kernel dropped with the
 * interface, for `link up` to put back, in another process perhaps. One file
 * per interface, named by the namespace's identity (device:inode of its
 * file), so a namespace made again under the same name starts without notes.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { DroppedWithLink } from '../plan/link-restore.js';

/** Root-only, beside the chains' records and the locks. */
export const LINK_NOTES_DIR = '/var/run/chainmail/links';

const pathOf = (identity: string, ifname: string) => `${LINK_NOTES_DIR}/${identity.replace(':', '-')}-${encodeURIComponent(ifname)}.json`;

/** Keeps what `ifname` lost; a note already there (an earlier down) is replaced. */
export async function keepLinkNote(identity: string, ifname: string, dropped: DroppedWithLink): Promise<void> {
  await mkdir(LINK_NOTES_DIR, { recursive: true, mode: 0o700 });
  const path = pathOf(identity, ifname);
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(dropped) + '\n', { mode: 0o600 });
  await rename(tmp, path);
}

/** The note of what `ifname` lost, if one was kept. */
export async function readLinkNote(identity: string, ifname: string): Promise<DroppedWithLink | undefined> {
  try {
    return JSON.parse(await readFile(pathOf(identity, ifname), 'utf8')) as DroppedWithLink;
  } catch {
    return undefined;
  }
}

export async function dropLinkNote(identity: string, ifname: string): Promise<void> {
  await rm(pathOf(identity, ifname), { force: true });
}
