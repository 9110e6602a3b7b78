/**
 * What the Kubernetes export is held to, as JSON Schemas for ajv:
 *
 * - TOPOLOGY_SCHEMA: meshnet-cni's Topology resource. The fields and types
 *   of `spec.links[]` are those of the CRD's openAPIV3Schema
 *   (networkop/meshnet-cni manifests/base/crd.yaml at d7c306c: uid an
 *   integer; peer_pod, local_intf, peer_intf, local_ip, peer_ip strings;
 *   uid, peer_pod, local_intf and peer_intf required) and of its Go type
 *   (api/types/v1beta1/topology.go, Link). Stricter than the CRD in one way:
 *   no other field is allowed in a link, since the API server would drop a
 *   misspelt one without a word, and local_ip/peer_ip are required, since
 *   every chain link has addresses.
 * - POD_SCHEMA: the part of core/v1 Pod the export writes (the Kubernetes
 *   API reference: Pod, PodSpec, Container, SecurityContext, Sysctl,
 *   ContainerPort), with the types the API takes and nothing else allowed.
 * - DNS_1123_LABEL: the names of namespaces, pods and containers.
 */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const label = { type: 'string', pattern: DNS_1123_LABEL.source, maxLength: 63 };
const strings = { type: 'array', items: { type: 'string' } };

const metadata = {
  type: 'object',
  required: ['name'],
  additionalProperties: false,
  properties: {
    name: label,
    namespace: label,
    labels: { type: 'object', additionalProperties: { type: 'string', maxLength: 63 } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
};

export const TOPOLOGY_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'networkop.co.uk/v1beta1' },
    kind: { const: 'Topology' },
    metadata,
    spec: {
      type: 'object',
      required: ['links'],
      additionalProperties: false,
      properties: {
        links: {
          type: 'array',
          items: {
            type: 'object',
            required: ['uid', 'peer_pod', 'local_intf', 'peer_intf', 'local_ip', 'peer_ip'],
            additionalProperties: false,
            properties: {
              uid: { type: 'integer' },
              peer_pod: label,
              local_intf: { type: 'string', minLength: 1, maxLength: 15 },
              peer_intf: { type: 'string', minLength: 1, maxLength: 15 },
              local_ip: { type: 'string', pattern: '^[0-9a-fA-F.:]+/[0-9]{1,3}$' },
              peer_ip: { type: 'string', pattern: '^[0-9a-fA-F.:]+/[0-9]{1,3}$' },
            },
          },
        },
      },
    },
  },
};

const container = {
  type: 'object',
  required: ['name', 'image'],
  additionalProperties: false,
  properties: {
    name: label,
    image: { type: 'string', minLength: 1 },
    command: strings,
    args: strings,
    ports: {
      type: 'array',
      items: {
        type: 'object',
        required: ['containerPort'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', maxLength: 15 },
          containerPort: { type: 'integer', minimum: 1, maximum: 65535 },
          protocol: { enum: ['TCP', 'UDP', 'SCTP'] },
        },
      },
    },
    securityContext: {
      type: 'object',
      additionalProperties: false,
      properties: {
        capabilities: { type: 'object', additionalProperties: false, properties: { add: strings, drop: strings } },
        privileged: { type: 'boolean' },
      },
    },
  },
};

export const POD_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'v1' },
    kind: { const: 'Pod' },
    metadata,
    spec: {
      type: 'object',
      required: ['containers'],
      additionalProperties: false,
      properties: {
        terminationGracePeriodSeconds: { type: 'integer', minimum: 0 },
        restartPolicy: { enum: ['Always', 'OnFailure', 'Never'] },
        serviceAccountName: label,
        securityContext: {
          type: 'object',
          additionalProperties: false,
          properties: {
            sysctls: {
              type: 'array',
              items: {
                type: 'object',
                required: ['name', 'value'],
                additionalProperties: false,
                properties: { name: { type: 'string' }, value: { type: 'string' } },
              },
            },
          },
        },
        initContainers: { type: 'array', items: container },
        containers: { type: 'array', minItems: 1, items: container },
      },
    },
  },
};

/** A Job's pod template is a PodSpec with its own metadata (labels only here). */
export const JOB_SCHEMA = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  additionalProperties: false,
  properties: {
    apiVersion: { const: 'batch/v1' },
    kind: { const: 'Job' },
    metadata,
    spec: {
      type: 'object',
      required: ['template'],
      additionalProperties: false,
      properties: {
        backoffLimit: { type: 'integer', minimum: 0 },
        template: {
          type: 'object',
          required: ['spec'],
          additionalProperties: false,
          properties: {
            metadata: { type: 'object', additionalProperties: false, properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } },
            spec: POD_SCHEMA.properties.spec,
          },
        },
      },
    },
  },
};
