import { readFile, rm } from 'node:fs/promises';
import { writePrivateFile } from '../sys/private-file.js';
import type { ChainSpec } from './model.js';

/** Where chainmail remembers what each chain made (root-only, like /var/run/netns). */
export const STATE_DIR = '/var/run/chainmail/chains';

/**
 * What `chain up` created, so that `chain down` removes that and only that.
 * Written after every change, so an interrupted `up` can be completed by
 * running it again or undone by `down`.
 */
export interface ChainRecord {
  name: string;
  mode: 'netns' | 'docker';
  /** Nodes (namespaces or containers) this chain created. */
  createdNodes: string[];
  /** Links this chain created, as `node:ifname` of end a. */
  createdLinks: string[];
  /** FORWARD rules this chain added: node and rule words. */
  addedRules: Array<{ node: string; rule: string[] }>;
  /** Nodes it did not create where it turned forwarding on (turned off again by down). */
  forwardingTurnedOn?: string[];
  /** HTTP servers this chain started in namespaces: node -> pid. */
  servers: Record<string, number>;
  /** After `chain heal --policy bypass`: the chain as repaired. */
  healed?: ChainSpec;
}

export function emptyRecord(name: string, mode: ChainRecord['mode']): ChainRecord {
  return { name, mode, createdNodes: [], createdLinks: [], addedRules: [], servers: {} };
}

const pathOf = (name: string) => `${STATE_DIR}/${name}.json`;

export async function readRecord(name: string): Promise<ChainRecord | undefined> {
  try {
    return JSON.parse(await readFile(pathOf(name), 'utf8')) as ChainRecord;
  } catch {
    return undefined;
  }
}

/** Writes of this process, one after another: the last one asked for is the one that stays. */
let writing: Promise<void> = Promise.resolve();

/**
 * Written atomically (temp file + rename), readable by root only. Parts of
 * `chain up` run at once and each writes down what it made; their writes go
 * in turn, each of the record as it is when its turn comes.
 */
export function writeRecord(record: ChainRecord): Promise<void> {
  const turn = writing.then(async () => {
    await writePrivateFile(pathOf(record.name), JSON.stringify(record, null, 2) + '\n');
  });
  writing = turn.catch(() => undefined);
  return turn;
}

export async function removeRecord(name: string): Promise<void> {
  await rm(pathOf(name), { force: true });
}
