/**
 * Where the per-target locks (target-lock.ts) live and what their files are
 * called: apart from the locking itself, so that the UI, which only watches
 * the folder to see another chainmail at work, does not load it.
 */

export const LOCK_DIR = '/var/run/chainmail/locks';

/** The lock file of a key: `netns-DEV-INO` for a namespace (its identity's colon made a dash), `chain-NAME` for a chain. */
export const lockPath = (key: string) => `${LOCK_DIR}/${key.replaceAll(':', '-')}.lock`;

/** Pure: the namespace identity (namespaceIdentity's `dev:ino`) whose lock a file of LOCK_DIR is, if it is one. */
export function lockedIdentity(file: string): string | undefined {
  const m = /^netns-(\d+)-(\d+)\.lock$/.exec(file);
  return m ? `${m[1]}:${m[2]}` : undefined;
}
