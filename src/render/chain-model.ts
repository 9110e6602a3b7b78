/**
 * What the chain drawing is made from: a pure description of targets and the
 * hops between them, with health. Built from a Topology by the UI model; the
 * renderer (render/chain.ts) turns it into lines.
 */

export type NodeState = 'up' | 'stopped' | 'gone';

export interface ChainNode {
  /** Target label: `client`, `netns red`, `host`. Unique within a drawing. */
  name: string;
  state: NodeState;
  /** Packets its firewall's FORWARD chain dropped so far (only for a target whose chain filters). */
  dropped?: number;
}

export type HopHealth =
  /** Pings across the hop are answered. */
  | 'ok'
  /** Pings across the hop fail. */
  | 'failing'
  /** No addresses to ping with, or not checked yet. */
  | 'unknown'
  /** The link vanished or an end's target died: drawn broken. */
  | 'broken'
  /** An end is set administratively down (`link TARGET IF down`): drawn down, not broken. */
  | 'down';

export interface HopEnd {
  node: string;
  /** Absent when that end has gone with its namespace. */
  ifname?: string;
  /** First address shown (without prefix), e.g. 10.0.1.1. */
  address?: string;
}

export interface ChainHop {
  a: HopEnd;
  b: HopEnd;
  health: HopHealth;
  /** Round trip of the last good ping. */
  latencyMs?: number;
  /** A repair is in progress on this hop (chain heal). */
  healing?: boolean;
  /** Packets per second through the hop, both ways (absent until measured). */
  pps?: number;
}

/** How a piece of a drawn line should look; the UI maps tones to colours. */
export type Tone = 'plain' | 'node' | 'node-down' | 'link' | 'ok' | 'bad' | 'dim' | 'healing' | 'down';

export interface Segment {
  text: string;
  tone: Tone;
}

/** One drawn line: segments whose texts, joined, are the line. */
export type ChainLine = Segment[];

export function lineText(line: ChainLine): string {
  return line.map((s) => s.text).join('');
}
