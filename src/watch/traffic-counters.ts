/**
 * A namespace's interface counters, read as a plain file: /proc/N/net/dev of
 * a process N inside it. No process is started for it: containers and
 * `pid` targets name their process, and a named namespace has the UI's own
 * long-lived netlink monitor in it (watch/namespace-monitor.ts).
 */
import { readFileSync } from 'node:fs';
import { namespaceIdentitySync, type Namespace } from '../targets/namespace.js';
import { parseNetDev, type InterfaceCounters } from '../topology/net-dev.js';

/** A process believed to be inside a namespace, and that namespace's identity. */
export interface ProcessInside {
  pid: number;
  identity: string;
}

/**
 * The process whose /proc entry shows the namespace's counters: the one its
 * path names (`/proc/N/ns/net`), else `inside` once it is really there.
 */
export function counterProcess(ns: Namespace, inside: ProcessInside | undefined): number | undefined {
  const own = /^\/proc\/(\d+)\/ns\/net$/.exec(ns.path);
  if (own) return Number(own[1]);
  if (!inside) return undefined;
  // until nsenter has entered the namespace, the process's counters are its parent's
  return namespaceIdentitySync(`/proc/${inside.pid}/ns/net`) === inside.identity ? inside.pid : undefined;
}

/**
 * The counters of every interface of the namespace process `pid` is in; undefined when it has gone.
 * Read synchronously: a /proc file never waits on a disk, and the thread pool's four steps per file
 * cost about five times the CPU of reading it at once, for dozens of files every second.
 */
export function readCounters(pid: number): Map<string, InterfaceCounters> | undefined {
  try {
    return parseNetDev(readFileSync(`/proc/${pid}/net/dev`, 'utf8'));
  } catch {
    return undefined;
  }
}
