/**
 * Pure: a chain (what it means) or the live host (what is there) written out
 * for other tools.
 *
 * - containerlab: a topology file (`*.clab.yml`) that `containerlab deploy`
 *   turns back into the chain. Every node is a `kind: linux` container with
 *   `network-mode: none` (no management network: its default route would
 *   clash with the chain's, and it would be a second path between nodes),
 *   said once in `topology.defaults`; forwarding is a node's `sysctls:`, and
 *   its `exec:` lines add the addresses, routes and firewall rules and start
 *   its web server (docs/containerlab.md).
 * - mermaid: a `graph LR` flowchart, one node per target and one edge per link.
 * - json: a stable shape, described at ChainJson and TopologyJson.
 * - kubernetes (chain files only): meshnet-cni Topology resources and a Pod
 *   per node, and a Job that runs the probes (export-kubernetes.ts,
 *   docs/kubernetes.md).
 *
 * Names are made safe for the format they go into (mermaid ids, container
 * names); wherever that changes a name, the original is still shown (mermaid
 * labels) or said (containerlab comments).
 *
 * Each format is written by its own module (export-containerlab.ts,
 * export-mermaid.ts, export-json.ts); export-live.ts picks what of the live
 * host is exported.
 */
import type { Topology } from '../topology/model.js';
import { chainLab, containerlabText, liveLab, type ExportOptions, type TopologyExportOptions } from './export-containerlab.js';
import { chainJson, jsonText, liveJson } from './export-json.js';
import { chainManifests, kubernetesText } from './export-kubernetes.js';
import { liveView } from './export-live.js';
import { chainGraph, liveGraph, mermaidText } from './export-mermaid.js';
import type { DesiredChain } from './model.js';
import { ChainmailError, EXIT_USAGE } from '../errors.js';

export const EXPORT_FORMATS = ['containerlab', 'mermaid', 'json', 'kubernetes'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

// ---------------------------------------------------------------------------
// Entry points

export function exportChain(chain: DesiredChain, format: ExportFormat, options: ExportOptions = {}): string {
  switch (format) {
    case 'containerlab':
      return containerlabText(chainLab(chain, options));
    case 'mermaid':
      return mermaidText(chainGraph(chain));
    case 'json':
      return jsonText(chainJson(chain));
    case 'kubernetes':
      return kubernetesText(chainManifests(chain, options));
  }
}

export function exportTopology(topology: Topology, format: ExportFormat, options: TopologyExportOptions = {}): string {
  const view = liveView(topology);
  switch (format) {
    case 'containerlab':
      return containerlabText(liveLab(view, options));
    case 'mermaid':
      return mermaidText(liveGraph(view));
    case 'json':
      return jsonText(liveJson(view));
    case 'kubernetes':
      // what the host has is links, not pods to make: the parser refuses --live with it
      throw new ChainmailError('--format kubernetes exports a chain file, not --live', EXIT_USAGE);
  }
}
