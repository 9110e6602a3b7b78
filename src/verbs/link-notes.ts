/**
 * Notes `link TARGET IF down` keeps of what the kernel dropped with the
 * interface, for `link up` to put back, in another process perhaps. One file
 * per interface, named by the namespace's identity (device:inode of its
 * file), so a namespace made again under the same name starts without notes.
 * Each note names the file it was taken through; keeping a note removes the
 * notes whose namespace is gone (that file no longer opens the same one).
 */
import { readdir, readFile, rm } from 'node:fs/promises';
import { writePrivateFile } from '../sys/private-file.js';
import type { DroppedWithLink } from '../plan/link-restore.js';
import { namespaceIdentity } from '../targets/namespace.js';

/** Root-only, beside the chains' records and the locks. */
export const LINK_NOTES_DIR = '/var/run/chainmail/links';

export interface LinkNote {
  /** The namespace's file when the note was kept (/var/run/netns/NAME, /proc/PID/ns/net). */
  path: string;
  identity: string;
  /** The interface it was kept of: a namespace made again can get the same inode, and a link the same name. */
  ifindex: number;
  mac?: string;
  /** An `up` put back only part of it: the next `up` tries the rest, even on an end already up. */
  partial?: boolean;
  dropped: DroppedWithLink;
}

const fileOf = (identity: string, ifname: string) => `${identity.replace(':', '-')}-${encodeURIComponent(ifname)}.json`;

/** Keeps what `ifname` lost; a note already there (an earlier down) is replaced. */
export async function keepLinkNote(ifname: string, note: LinkNote): Promise<void> {
  await removeNotesOfGoneNamespaces();
  await writePrivateFile(`${LINK_NOTES_DIR}/${fileOf(note.identity, ifname)}`, JSON.stringify(note) + '\n');
}

/** The note of what `ifname` lost, if one was kept. */
export async function readLinkNote(identity: string, ifname: string): Promise<LinkNote | undefined> {
  try {
    return JSON.parse(await readFile(`${LINK_NOTES_DIR}/${fileOf(identity, ifname)}`, 'utf8')) as LinkNote;
  } catch {
    return undefined;
  }
}

export async function dropLinkNote(identity: string, ifname: string): Promise<void> {
  await rm(`${LINK_NOTES_DIR}/${fileOf(identity, ifname)}`, { force: true });
}

async function removeNotesOfGoneNamespaces(): Promise<void> {
  // none yet: the first note makes the directory
  const files = (await readdir(LINK_NOTES_DIR).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  await Promise.all(
    files.map(async (f) => {
      const file = `${LINK_NOTES_DIR}/${f}`;
      let note: LinkNote | undefined;
      try {
        note = JSON.parse(await readFile(file, 'utf8')) as LinkNote;
      } catch {
        // unreadable, or removed by another chainmail meanwhile: nothing to keep
      }
      if (!note || typeof note.path !== 'string' || (await namespaceIdentity(note.path)) !== note.identity) await rm(file, { force: true });
    }),
  );
}
