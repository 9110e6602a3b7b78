/**
 * The Kubernetes export: manifests for a cluster with meshnet-cni
 * (github.com/networkop/meshnet-cni), which wires a pod's extra interfaces
 * from the `Topology` resource of the same name. docs/kubernetes.md says how
 * each part maps, how to apply it on kind, and what it cannot carry.
 *
 * In order (kubectl apply makes them in file order, and meshnet must find a
 * pod's Topology when the pod's network is set up): the Namespace, one
 * Topology per node, one Pod per node, and when the chain has probes the
 * ServiceAccount, Role, RoleBinding and Job that run them.
 *
 * meshnet gives each link end its address (`local_ip`); a pod's `setup`
 * init container waits for its links (a link whose peer pod is not there yet
 * is added when the peer comes), then adds the routes and firewall rules.
 * Forwarding is the pod's `securityContext.sysctls`: an init container
 * cannot write /proc/sys without being privileged, and the sysctls are
 * namespaced, so a kubelet that allows them (`allowedUnsafeSysctls`) sets
 * them as the pod is made.
 */
import { Document } from 'yaml';
import { ChainmailError, EXIT_USAGE } from '../errors.js';
import { formatCidr } from '../parse/values.js';
import type { ExportOptions } from './export-containerlab.js';
import { DEFAULT_EXPORT_IMAGE, SERVE_ROOT } from './export-containerlab.js';
import { routeDestination } from './export-shared.js';
import type { DesiredChain, DesiredProbe, DesiredRoute } from './model.js';
import { servePage } from './serve-page.js';

/** The image of the probe Job: kubectl, to run each probe in its pod (`kubectl exec`). */
export const KUBECTL_IMAGE = 'registry.k8s.io/kubectl:v1.31.0';

/** A node's command when the chain file gives none: something that keeps the pod running, as under `chain up --docker`. */
export const IDLE_COMMAND = ['sleep', '2000000'] as const;

/** meshnet's own group and version for the Topology resource. */
export const TOPOLOGY_API_VERSION = 'networkop.co.uk/v1beta1';

/** How long (seconds) a pod's setup waits for each of its links, and a route or probe is retried. */
const WAIT_SECONDS = 120;
const PROBE_TRIES = 10;

/** The container names inside a chain pod. */
export const CONTAINERS = { setup: 'setup', node: 'node', serve: 'serve' } as const;

// ---------------------------------------------------------------------------
// Names

/** The longest DNS-1123 label: namespace, pod and container names. */
const LABEL_MAX = 63;

/**
 * A chain name as a DNS-1123 label: lowercased, every character other than
 * a-z, 0-9 and `-` made a `-` (node names may have `_` and `.`), `-` trimmed
 * from both ends, cut to 63 characters; `node` if nothing is left.
 */
export function kubernetesName(name: string): string {
  const safe = name
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/^-+/, '')
    .slice(0, LABEL_MAX)
    .replace(/-+$/, '');
  return safe === '' ? 'node' : safe;
}

/** Every node's pod name; two nodes that come out the same are refused, not renamed (a peer_pod must say which pod). */
export function podNames(nodes: readonly string[]): Map<string, string> {
  const names = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const node of nodes) {
    const pod = kubernetesName(node);
    const earlier = owner.get(pod);
    if (earlier !== undefined) {
      throw new ChainmailError(
        `nodes ${JSON.stringify(earlier)} and ${JSON.stringify(node)} are both ${JSON.stringify(pod)} as Kubernetes names (lowercase a-z, 0-9 and -): rename one in the chain file`,
        EXIT_USAGE,
      );
    }
    owner.set(pod, node);
    names.set(node, pod);
  }
  return names;
}

// ---------------------------------------------------------------------------
// Resources

export interface TopologyLink {
  uid: number;
  peer_pod: string;
  local_intf: string;
  peer_intf: string;
  local_ip: string;
  peer_ip: string;
}

interface Metadata {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: Metadata;
  [field: string]: unknown;
}

export interface Manifests {
  /** Comment lines at the top of the output. */
  notes: string[];
  resources: Resource[];
}

export function chainManifests(chain: DesiredChain, options: ExportOptions): Manifests {
  const pods = podNames(chain.nodes.map((node) => node.name));
  const pod = (node: string) => pods.get(node) ?? kubernetesName(node);
  const namespace = kubernetesName(chain.name);
  const labels = { 'chainmail.chain': namespace };
  const notes = [`chainmail chain ${JSON.stringify(chain.name)}, for kubectl apply on a cluster with meshnet-cni (docs/kubernetes.md)`];
  if (namespace !== chain.name) notes.push(`the chain ${JSON.stringify(chain.name)} is the namespace ${JSON.stringify(namespace)}`);
  for (const [node, name] of pods) if (node !== name) notes.push(`node ${JSON.stringify(node)} is the pod ${JSON.stringify(name)}`);
  for (const end of chain.links.flatMap((link) => [link.a, link.b])) {
    if (end.ifname === 'eth0') {
      throw new ChainmailError(
        `${end.node}:eth0: in a pod, eth0 is the cluster network's interface (meshnet adds the chain's links beside it): rename it in the chain file`,
        EXIT_USAGE,
      );
    }
  }
  const forwarding = chain.forwarding.length > 0;
  const hasIpv6 = chain.links.some((link) => link.a.address.family === 6);
  if (forwarding)
    notes.push(
      `forwarding is the pods' sysctls: the kubelet must allow ${forwardingSysctls(hasIpv6)
        .map((s) => s.name)
        .join(' and ')} (allowedUnsafeSysctls)`,
    );
  if (chain.firewall.length > 0) notes.push('the firewall rules are iptables lines in the setup init container: the image needs iptables');

  const resources: Resource[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels } }];
  const meta = (name: string, extra: Partial<Metadata> = {}): Metadata => ({ name, namespace, labels, ...extra });

  for (const node of chain.nodes) {
    const links: TopologyLink[] = [];
    chain.links.forEach((link, i) => {
      for (const [local, peer] of [
        [link.a, link.b],
        [link.b, link.a],
      ] as const) {
        if (local.node !== node.name) continue;
        links.push({
          uid: i + 1,
          peer_pod: pod(peer.node),
          local_intf: local.ifname,
          peer_intf: peer.ifname,
          local_ip: formatCidr(local.address),
          peer_ip: formatCidr(peer.address),
        });
      }
    });
    resources.push({ apiVersion: TOPOLOGY_API_VERSION, kind: 'Topology', metadata: meta(pod(node.name)), spec: { links } });
  }

  for (const node of chain.nodes) {
    const name = pod(node.name);
    const image = options.image ?? node.image ?? DEFAULT_EXPORT_IMAGE;
    const ifnames = chain.links
      .flatMap((link) => [link.a, link.b])
      .filter((e) => e.node === node.name)
      .map((e) => e.ifname);
    const routes = chain.routes.filter((r) => r.node === node.name);
    const rules = chain.firewall.filter((r) => r.node === node.name).map((r) => r.rule);
    const containers: Array<Record<string, unknown>> = [{ name: CONTAINERS.node, image, args: [...(node.command ?? IDLE_COMMAND)] }];
    if (node.serve) {
      containers.push({
        name: CONTAINERS.serve,
        image,
        command: [
          'sh',
          '-c',
          `mkdir -p ${SERVE_ROOT} && printf %s "$1" > ${SERVE_ROOT}/index.html && exec httpd -f -p ${node.serve.port} -h ${SERVE_ROOT}`,
          'sh',
          servePage(node.name, node.serve.body),
        ],
        ports: [{ name: 'http', containerPort: node.serve.port, protocol: 'TCP' }],
      });
      notes.push(`${name} serves HTTP on port ${node.serve.port} with busybox httpd (its serve container): the image needs sh, mkdir, printf and httpd`);
    }
    const spec: Record<string, unknown> = {
      // the idle command ignores SIGTERM: without this a deleted pod waits its whole grace period
      terminationGracePeriodSeconds: 1,
      ...(chain.forwarding.includes(node.name) ? { securityContext: { sysctls: forwardingSysctls(hasIpv6) } } : {}),
      initContainers: [
        {
          name: CONTAINERS.setup,
          image,
          command: ['sh', '-c', setupScript(ifnames, routes, rules)],
          securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_RAW'] } },
        },
      ],
      containers,
    };
    const renamed = name !== node.name ? { annotations: { 'chainmail.node': node.name } } : {};
    resources.push({ apiVersion: 'v1', kind: 'Pod', metadata: meta(name, renamed), spec });
  }

  if (chain.probes.length === 0) notes.push('the chain has no probes: no probe Job');
  else resources.push(...probeResources(chain, pod, namespace, meta));
  return { notes, resources };
}

/** Set as the pod is made: namespaced sysctls, which Kubernetes counts as unsafe, so the kubelet must allow them. */
function forwardingSysctls(ipv6: boolean): Array<{ name: string; value: string }> {
  return [{ name: 'net.ipv4.ip_forward', value: '1' }, ...(ipv6 ? [{ name: 'net.ipv6.conf.all.forwarding', value: '1' }] : [])];
}

/**
 * The setup init container's script: wait for each link (meshnet adds a
 * link when both its pods exist), then the routes (`replace`: a chain's
 * default route takes over the one the cluster network gave eth0), then the
 * firewall rules. Any failure fails the pod.
 */
function setupScript(ifnames: readonly string[], routes: readonly DesiredRoute[], rules: ReadonlyArray<readonly string[]>): string {
  const lines = [
    'set -e',
    `retry() { n=0; until "$@"; do n=$((n+1)); if [ "$n" -ge ${WAIT_SECONDS} ]; then echo "chainmail: gave up on: $*" >&2; return 1; fi; sleep 1; done; }`,
  ];
  for (const ifname of ifnames) lines.push(`retry ip link show dev ${shQuote(ifname)} >/dev/null`);
  for (const route of routes) lines.push(`retry ${routeWords(route).map(shQuote).join(' ')}`);
  for (const rule of rules) lines.push(['iptables', '-w', '5', '-A', 'FORWARD', ...rule].map(shQuote).join(' '));
  return `${lines.join('\n')}\n`;
}

function routeWords(route: DesiredRoute): string[] {
  const d = route.destination;
  const family = (d.kind === 'default' ? d.family : d.prefix.family) === 6 ? ['-6'] : [];
  return ['ip', ...family, 'route', 'replace', routeDestination(route), 'via', route.via, 'dev', route.dev];
}

/**
 * The probes as a Job: it waits for the chain's pods to be ready, then runs
 * each probe, one container each (init containers run in order and each
 * must pass; the last probe is the Job's container), in its pod's `node`
 * container with `kubectl exec`. The Job fails when a probe does.
 */
function probeResources(chain: DesiredChain, pod: (node: string) => string, namespace: string, meta: (name: string) => Metadata): Resource[] {
  const name = 'chainmail-probes';
  // the image's entrypoint is kubectl, so each container gives only its arguments
  const kubectl = (container: string, args: string[]) => ({ name: container, image: KUBECTL_IMAGE, args: ['-n', namespace, ...args] });
  const steps = chain.probes.map((probe, i) =>
    kubectl(`probe-${i + 1}`, ['exec', pod(probe.from), '-c', CONTAINERS.node, '--', 'sh', '-c', probeScript(probe, probeWhat(probe, pod))]),
  );
  const podRefs = chain.nodes.map((node) => `pod/${pod(node.name)}`);
  const wait = kubectl('wait', ['wait', '--for=condition=Ready', `--timeout=${WAIT_SECONDS * 2}s`, ...podRefs]);
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(name),
      rules: [
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
        { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(name),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace }],
    },
    {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta(name),
      spec: {
        // a failed probe is the answer, not a reason to try again
        backoffLimit: 0,
        template: {
          metadata: { labels: { 'chainmail.chain': namespace } },
          spec: {
            serviceAccountName: name,
            restartPolicy: 'Never',
            initContainers: [wait, ...steps.slice(0, -1)],
            containers: steps.slice(-1),
          },
        },
      },
    },
  ];
}

function probeWhat(probe: DesiredProbe, pod: (node: string) => string): string {
  return `${pod(probe.from)} → ${probe.target} (${probe.kind}${probe.expect === 'ok' ? '' : `, expect ${probe.expect}`})`;
}

/**
 * One probe as a script for the pod's shell (busybox ping, wget and timeout
 * will do; wget is bounded by timeout, as busybox 1.35's `wget -T`
 * crashes). What must pass is tried up to PROBE_TRIES times, a second
 * apart; what must fail is tried once.
 */
function probeScript(probe: DesiredProbe, what: string): string {
  const target = shQuote(probe.target);
  const check =
    probe.kind === 'ping'
      ? `ping -c 1 -W 2 ${target} >/dev/null 2>&1`
      : typeof probe.expect === 'number'
        ? `[ "$(timeout 5 wget -S -O /dev/null ${target} 2>&1 | sed -n 's/^ *HTTP\\/[0-9.]* \\([0-9]*\\).*/\\1/p' | head -n 1)" = ${probe.expect} ]`
        : `timeout 5 wget -q -O /dev/null ${target} 2>/dev/null`;
  const say = (verdict: string) => `echo ${shQuote(`${verdict}: ${what}`)}`;
  if (probe.expect === 'fail') return `if ${check}; then ${say('FAIL (it answered)')}; exit 1; fi; ${say('ok')}\n`;
  return ['n=0', `until ${check}; do`, `  n=$((n+1)); if [ "$n" -ge ${PROBE_TRIES} ]; then ${say('FAIL')}; exit 1; fi; sleep 1`, 'done', say('ok'), ''].join('\n');
}

/** A word for a POSIX shell, as it is when it has nothing the shell would read, else single-quoted. */
function shQuote(word: string): string {
  return /^[A-Za-z0-9_.,:/=@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

// ---------------------------------------------------------------------------
// Text

/**
 * Multi-document YAML, `---` between the resources, the notes as comments on
 * top. YAML 1.1 quoting, so that a string such as `on` or `1` stays a string
 * for Kubernetes' YAML reader.
 */
export function kubernetesText(manifests: Manifests): string {
  const docs = manifests.resources.map((resource, i) => {
    const doc = new Document(resource, { version: '1.1' });
    if (i === 0) doc.commentBefore = manifests.notes.map((line) => ` ${line}`).join('\n');
    return doc.toString({ lineWidth: 0 });
  });
  return docs.join('---\n');
}
