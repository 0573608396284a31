// Checks the Kubernetes manifests without a cluster or kubectl. Each kustomization is built
// here the way kustomize would for the features this repository uses (resources,
// namespace, configMapGenerator, strategic-merge patches from files, images), and the
// invariants are asserted on what an overlay would actually apply. A kustomization using
// anything else fails the build below, so the test cannot silently check less than is applied.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { FLEET, type ServiceName } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import {
  calledServices,
  consumedKeys,
  existingServices,
  type ServiceConfig,
  serviceConfig,
  TEST_SECRET,
  usesRedis,
} from './service-configs.ts';

const K8S = import.meta.dirname;
const ROOT = resolve(K8S, '..');
const NAMESPACE = 'automovie';
const IMAGE = 'automovie';

/** Every Deployment is a fleet service, listening on its port from the contracts' fleet table. */
const FLEET_PORTS: Record<string, number> = Object.fromEntries(Object.entries(FLEET).map(([name, { port }]) => [name, port]));

/** Secrets are created out of band (docs/operations.md); who may read each one. */
const SECRET_READERS: Record<string, string[]> = {
  'automovie-jwt': ['*'],
  'automovie-provider-keys': ['Deployment/brain'],
  'automovie-neo4j': ['Deployment/brain', 'StatefulSet/neo4j'],
};

/** Stand-ins for the keys of each out-of-band Secret, to load a pod's config as Kubernetes would give it. */
const SECRET_VALUES: Record<string, Record<string, string>> = {
  'automovie-jwt': { AUTOMOVIE_JWT_SECRET: TEST_SECRET },
  // Optional: without it the brain runs its offline providers.
  'automovie-provider-keys': {},
  'automovie-neo4j': { NEO4J_PASSWORD: 'neo4j-test-password' },
};

/** The namespace a Prometheus scraping the fleet runs in (k8s/base/network-policy.yaml, fleet-ingress). */
const MONITORING_NAMESPACE = 'monitoring';
/** The label every fleet pod carries: the fleet service it runs (gpu-tasks has API and worker pods). */
const NAME = 'app.kubernetes.io/name';

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16'];
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PersistentVolume', 'StorageClass']);

type Labels = Record<string, string>;
interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Labels };
  spec?: unknown;
  data?: Record<string, string>;
}
interface Probe {
  httpGet?: { path: string; port: string | number };
  tcpSocket?: { port: string | number };
  exec?: { command: string[] };
}
interface SecurityContext {
  runAsNonRoot?: boolean;
  runAsUser?: number;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  capabilities?: { drop?: string[] };
  seccompProfile?: { type: string };
}
interface Container {
  name: string;
  image: string;
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string; optional?: boolean } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: SecurityContext;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  volumeMounts?: { name: string; mountPath: string }[];
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  securityContext?: SecurityContext;
  terminationGracePeriodSeconds?: number;
  volumes?: {
    name: string;
    secret?: { secretName: string };
    configMap?: { name: string };
    emptyDir?: unknown;
    persistentVolumeClaim?: { claimName: string };
  }[];
}
interface Workload extends Resource {
  spec: {
    replicas?: number;
    selector: { matchLabels: Labels };
    strategy?: { type?: string };
    template: { metadata: { labels: Labels }; spec: PodSpec };
  };
}
interface Selecting extends Resource {
  spec: { selector?: { matchLabels?: Labels } | Labels; podSelector?: { matchLabels?: Labels } };
}
interface Autoscaler extends Resource {
  spec: {
    scaleTargetRef: { kind?: string; name: string };
    metrics?: { type: string; external?: { metric: { name: string } } }[];
    minReplicas?: number;
    maxReplicas?: number;
    minReplicaCount?: number;
    maxReplicaCount?: number;
  };
}
interface ServiceResource extends Resource {
  spec: { selector: Labels; ports: { name?: string; port: number; targetPort?: string | number }[] };
}
interface PeerRule {
  to?: Peer[];
  from?: Peer[];
  ports?: { port: number | string; protocol?: string }[];
}
interface LabelSelector {
  matchLabels?: Labels;
  matchExpressions?: { key: string; operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; values?: string[] }[];
}
interface Peer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}
interface NetworkPolicy extends Resource {
  spec: { podSelector: LabelSelector; policyTypes: string[]; egress?: PeerRule[]; ingress?: PeerRule[] };
}
interface Generator {
  name: string;
  behavior?: 'create' | 'merge' | 'replace';
  literals?: string[];
  files?: string[];
  envs?: string[];
}
interface Kustomization {
  namespace?: string;
  resources?: string[];
  patches?: { path?: string; patch?: string; target?: unknown }[];
  configMapGenerator?: Generator[];
  images?: { name: string; newName?: string; newTag?: string; digest?: string }[];
  [key: string]: unknown;
}
interface Build {
  resources: Resource[];
  files: Set<string>;
}

const SUPPORTED_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'patches', 'configMapGenerator', 'images']);

const rel = (path: string) => relative(ROOT, path);

function parseFile(path: string): Resource[] {
  const out: Resource[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (doc.errors.length > 0) throw new Error(`${rel(path)}: ${doc.errors[0]?.message}`);
    const value: unknown = doc.toJS();
    if (value !== null && value !== undefined) out.push(value as Resource);
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNulls(v)]),
  );
}

/** The list merge key strategic merge uses for the lists these manifests patch. */
function mergeKey(items: unknown[]): string | undefined {
  for (const key of ['containerPort', 'port', 'name']) {
    if (items.length > 0 && items.every((item) => isObject(item) && item[key] !== undefined)) return key;
  }
  return undefined;
}

function strategicMerge(base: unknown, patch: unknown): unknown {
  if (isObject(base) && isObject(patch)) {
    const out: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(patch)) {
      if (key.startsWith('$')) throw new Error(`patch directive ${key} is not modelled by this test`);
      if (value === null) delete out[key];
      else out[key] = key in out ? strategicMerge(out[key], value) : withoutNulls(value);
    }
    return out;
  }
  if (Array.isArray(base) && Array.isArray(patch)) {
    const key = mergeKey([...base, ...patch]);
    if (key === undefined) return withoutNulls(patch);
    const out = [...base];
    for (const item of patch as Record<string, unknown>[]) {
      const at = out.findIndex((existing) => (existing as Record<string, unknown>)[key] === item[key]);
      if (at >= 0) out[at] = strategicMerge(out[at], item);
      else out.push(withoutNulls(item));
    }
    return out;
  }
  return withoutNulls(patch);
}

function generate(dir: string, generator: Generator, files: Set<string>): Record<string, string> {
  const data: Record<string, string> = {};
  const fromEnvLines = (text: string) => {
    for (const line of text.split('\n')) {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) continue;
      const eq = trimmed.indexOf('=');
      data[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
    }
  };
  fromEnvLines((generator.literals ?? []).join('\n'));
  for (const entry of generator.envs ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${rel(dir)}: generator ${generator.name} reads missing ${entry}`);
    files.add(path);
    fromEnvLines(readFileSync(path, 'utf8'));
  }
  for (const entry of generator.files ?? []) {
    const eq = entry.indexOf('=');
    const key = eq >= 0 ? entry.slice(0, eq) : basename(entry);
    const path = resolve(dir, eq >= 0 ? entry.slice(eq + 1) : entry);
    if (!existsSync(path)) throw new Error(`${rel(dir)}: generator ${generator.name} reads missing ${entry}`);
    files.add(path);
    data[key] = readFileSync(path, 'utf8');
  }
  return data;
}

function podSpecs(resources: Resource[]): { owner: string; pod: PodSpec }[] {
  return resources
    .filter((r) => r.kind === 'Deployment' || r.kind === 'StatefulSet')
    .map((r) => ({ owner: `${r.kind}/${r.metadata.name}`, pod: (r as Workload).spec.template.spec }));
}

function build(dir: string): Build {
  const file = join(dir, 'kustomization.yaml');
  if (!existsSync(file)) throw new Error(`${rel(dir)}: no kustomization.yaml`);
  const k = parseFile(file)[0] as unknown as Kustomization;
  for (const field of Object.keys(k)) {
    if (!SUPPORTED_FIELDS.has(field)) throw new Error(`${rel(file)}: field ${field} is not modelled by this test`);
  }
  const files = new Set([file]);
  const resources: Resource[] = [];

  for (const entry of k.resources ?? []) {
    const path = resolve(dir, entry);
    if (!existsSync(path)) throw new Error(`${rel(file)}: resource ${entry} does not exist`);
    if (statSync(path).isDirectory()) {
      const sub = build(path);
      resources.push(...sub.resources);
      for (const f of sub.files) files.add(f);
    } else {
      files.add(path);
      resources.push(...parseFile(path));
    }
  }

  for (const generator of k.configMapGenerator ?? []) {
    const data = generate(dir, generator, files);
    const existing = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === generator.name);
    const behavior = generator.behavior ?? 'create';
    if (behavior === 'create') {
      if (existing) throw new Error(`${rel(file)}: ConfigMap ${generator.name} already exists`);
      resources.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data });
    } else {
      if (!existing) throw new Error(`${rel(file)}: ConfigMap ${generator.name} to ${behavior} does not exist`);
      existing.data = behavior === 'merge' ? { ...existing.data, ...data } : data;
    }
  }

  for (const entry of k.patches ?? []) {
    if (entry.path === undefined || entry.target !== undefined) {
      throw new Error(`${rel(file)}: only strategic-merge patches read from a file are modelled by this test`);
    }
    const path = resolve(dir, entry.path);
    if (!existsSync(path)) throw new Error(`${rel(file)}: patch ${entry.path} does not exist`);
    files.add(path);
    const patches = parseFile(path);
    // `patches: - path:` takes one patch per file; kustomize rejects a file holding several.
    if (patches.length !== 1) throw new Error(`${rel(path)}: a patch file holds one patch, found ${patches.length}`);
    for (const patch of patches) {
      const at = resources.flatMap((r, i) => (r.kind === patch.kind && r.metadata.name === patch.metadata.name ? [i] : []));
      if (at.length !== 1) {
        throw new Error(`${rel(path)}: patches ${patch.kind}/${patch.metadata.name}, found ${at.length} such objects`);
      }
      const i = at[0] as number;
      resources[i] = strategicMerge(resources[i], patch) as Resource;
    }
  }

  for (const image of k.images ?? []) {
    for (const { pod } of podSpecs(resources)) {
      for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) {
        const [name, tag] = c.image.split('@')[0]?.split(':') ?? [];
        if (name !== image.name) continue;
        const newName = image.newName ?? name;
        if (image.digest !== undefined) c.image = `${newName}@${image.digest}`;
        else c.image = image.newTag !== undefined || tag !== undefined ? `${newName}:${image.newTag ?? tag}` : newName;
      }
    }
  }

  if (k.namespace !== undefined) {
    for (const r of resources) if (!CLUSTER_SCOPED.has(r.kind)) r.metadata.namespace = k.namespace;
  }
  return { resources, files };
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFilesUnder(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const matches = (selector: Labels | undefined, labels: Labels | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);

function of<T extends Resource>(resources: Resource[], kind: string): T[] {
  return resources.filter((r) => r.kind === kind) as T[];
}

function containersOf(pod: PodSpec): Container[] {
  return [...pod.containers, ...(pod.initContainers ?? [])];
}

function envValue(resources: Resource[], c: Container, name: string): string | undefined {
  const direct = c.env?.find((e) => e.name === name);
  if (direct) return direct.value;
  let value: string | undefined;
  for (const source of c.envFrom ?? []) {
    const ref = source.configMapRef?.name;
    const map = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === ref);
    if (map?.data?.[name] !== undefined) value = map.data[name];
  }
  return value;
}

function secretsReadBy(pod: PodSpec): Set<string> {
  const names = new Set<string>();
  for (const c of containersOf(pod)) {
    for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef) names.add(e.valueFrom.secretKeyRef.name);
    for (const e of c.envFrom ?? []) if (e.secretRef) names.add(e.secretRef.name);
  }
  for (const v of pod.volumes ?? []) if (v.secret) names.add(v.secret.secretName);
  return names;
}

function resolvePort(c: Container, port: string | number): number | undefined {
  if (typeof port === 'number') return c.ports?.some((p) => p.containerPort === port) ? port : undefined;
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

/** Whether a label selector (matchLabels and matchExpressions, ANDed) selects these labels. */
function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  if (selector === undefined) return false;
  if (!matches(selector.matchLabels, labels)) return false;
  return (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    const value = labels[key];
    if (operator === 'In') return value !== undefined && values.includes(value);
    if (operator === 'NotIn') return value === undefined || !values.includes(value);
    if (operator === 'Exists') return value !== undefined;
    return value === undefined;
  });
}

/** A pod as NetworkPolicies see it: its labels and its namespace's labels. */
interface Endpoint {
  labels: Labels;
  namespace: Labels;
}

const namespaceLabels = (name: string): Labels => ({ 'kubernetes.io/metadata.name': name });

function peerMatches(peer: Peer, other: Endpoint): boolean {
  // Pod addresses are private, and every ipBlock here leaves the private ranges out.
  if (peer.ipBlock) return false;
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector, other.namespace)) return false;
  } else if (other.namespace['kubernetes.io/metadata.name'] !== NAMESPACE) return false;
  return peer.podSelector === undefined || selects(peer.podSelector, other.labels);
}

/** Whether the policies selecting `self` let it send to (Egress) or receive from (Ingress) `other` on `port`. */
function allows(policies: NetworkPolicy[], direction: 'Egress' | 'Ingress', self: Endpoint, other: Endpoint, port: number): boolean {
  const applying = policies.filter((p) => p.spec.policyTypes.includes(direction) && selects(p.spec.podSelector, self.labels));
  if (applying.length === 0) return true;
  return applying.some((p) =>
    ((direction === 'Egress' ? p.spec.egress : p.spec.ingress) ?? []).some((rule) => {
      const peers = direction === 'Egress' ? rule.to : rule.from;
      const peerOk = peers === undefined || peers.length === 0 || peers.some((peer) => peerMatches(peer, other));
      const portOk = rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((p) => p.port === port);
      return peerOk && portOk;
    }),
  );
}

/** Whether a connection from one pod to another's port gets through both ends' policies. */
function connects(policies: NetworkPolicy[], from: Endpoint, to: Endpoint, port: number): boolean {
  return allows(policies, 'Egress', from, to, port) && allows(policies, 'Ingress', to, from, port);
}

const podOf = (w: Workload): Endpoint => ({ labels: w.spec.template.metadata.labels, namespace: namespaceLabels(NAMESPACE) });

/** The environment a container starts with: its ConfigMaps, its Secrets (stand-in values), then its own env. */
function podEnv(resources: Resource[], c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const source of c.envFrom ?? []) {
    if (source.configMapRef) {
      const map = resources.find((r) => r.kind === 'ConfigMap' && r.metadata.name === source.configMapRef?.name);
      Object.assign(env, map?.data ?? {});
    }
    if (source.secretRef) Object.assign(env, SECRET_VALUES[source.secretRef.name] ?? {});
  }
  for (const e of c.env ?? []) {
    const ref = e.valueFrom?.secretKeyRef;
    const value = ref ? SECRET_VALUES[ref.name]?.[ref.key] : e.value;
    if (value !== undefined) env[e.name] = value;
  }
  return env;
}

const fleetName = (d: Workload) => d.spec.template.metadata.labels[NAME] as ServiceName;

/** Each existing service's config (services/<name>/src/config.ts), loaded once. */
const configs = new Map<ServiceName, ServiceConfig | undefined>(
  await Promise.all(existingServices().map(async (s) => [s, await serviceConfig(s)] as const)),
);

/** External metrics the Prometheus adapter rule in k8s/examples serves. */
function adapterMetrics(): string[] {
  const map = parseFile(join(K8S, 'examples', 'prometheus-adapter.yaml'))[0];
  const config = parse(map?.data?.['config.yaml'] ?? '') as { externalRules?: { name?: { as?: string } }[] };
  return (config.externalRules ?? []).flatMap((r) => r.name?.as ?? []);
}

const overlays = readdirSync(join(K8S, 'overlays'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => join(K8S, 'overlays', entry.name));
const targets = [join(K8S, 'base'), ...overlays];
const cache = new Map<string, Build>();
const built = (dir: string): Build => {
  let b = cache.get(dir);
  if (!b) {
    b = build(dir);
    cache.set(dir, b);
  }
  return b;
};

describe('kustomizations', () => {
  it('there are a base and the dev and prod overlays', () => {
    expect(targets.map(rel)).toEqual(expect.arrayContaining(['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod']));
  });

  it.each(targets.map(rel))('%s lists only files that exist, and builds', (dir) => {
    expect(() => built(resolve(ROOT, dir))).not.toThrow();
  });

  it('every manifest under k8s/base and k8s/overlays is part of a build', () => {
    const used = new Set(targets.flatMap((dir) => [...built(dir).files]));
    const unused = [join(K8S, 'base'), join(K8S, 'overlays')]
      .flatMap(yamlFilesUnder)
      .filter((f) => !used.has(f))
      .map(rel);
    expect(unused).toEqual([]);
  });

  it('the examples parse and name their objects', () => {
    for (const file of yamlFilesUnder(join(K8S, 'examples'))) {
      for (const r of parseFile(file)) {
        expect(r.kind, rel(file)).toBeTruthy();
        expect(r.metadata?.name, rel(file)).toBeTruthy();
      }
    }
  });
});

describe.each(targets.map(rel))('%s', (dir) => {
  const isOverlay = dir.startsWith('k8s/overlays/');
  const resources = () => built(resolve(ROOT, dir)).resources;
  const workloads = () => [...of<Workload>(resources(), 'Deployment'), ...of<Workload>(resources(), 'StatefulSet')];
  const deployments = () => of<Workload>(resources(), 'Deployment');

  it('has one object per kind and name, namespaced ones in the automovie namespace', () => {
    const ids = resources().map((r) => `${r.kind}/${r.metadata.name}`);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    for (const r of resources()) {
      if (!CLUSTER_SCOPED.has(r.kind)) expect(r.metadata.namespace, `${r.kind}/${r.metadata.name}`).toBe(NAMESPACE);
    }
  });

  it('commits no Secret: secrets are created out of band', () => {
    expect(of(resources(), 'Secret')).toEqual([]);
    for (const map of of(resources(), 'ConfigMap')) {
      const keys = Object.keys(map.data ?? {}).filter((key) => /(KEY|SECRET|PASSWORD|TOKEN)$/.test(key));
      expect(keys, `ConfigMap/${map.metadata.name}`).toEqual([]);
    }
  });

  it('every workload has probes on its own ports, requests and limits, and runs as non-root', () => {
    expect(workloads().length).toBeGreaterThan(0);
    for (const w of workloads()) {
      const pod = w.spec.template.spec;
      const id = `${w.kind}/${w.metadata.name}`;
      expect(matches(w.spec.selector.matchLabels, w.spec.template.metadata.labels), `${id} selector`).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type, `${id} seccomp`).toBe('RuntimeDefault');
      for (const c of containersOf(pod)) {
        const at = `${id} container ${c.name}`;
        // Init containers run to completion and take no probes.
        if (pod.containers.includes(c)) {
          expect(c.readinessProbe, `${at} readiness probe`).toBeDefined();
          expect(c.livenessProbe, `${at} liveness probe`).toBeDefined();
        }
        for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe]) {
          const port = probe?.httpGet?.port ?? probe?.tcpSocket?.port;
          if (port !== undefined) expect(resolvePort(c, port), `${at} probe port ${port}`).toBeDefined();
        }
        expect(c.resources?.requests?.cpu, `${at} cpu request`).toBeDefined();
        expect(c.resources?.requests?.memory, `${at} memory request`).toBeDefined();
        expect(c.resources?.limits?.memory, `${at} memory limit`).toBeDefined();
        const nonRoot = c.securityContext?.runAsNonRoot ?? pod.securityContext?.runAsNonRoot;
        expect(nonRoot, `${at} runAsNonRoot`).toBe(true);
        expect(c.securityContext?.runAsUser ?? pod.securityContext?.runAsUser, `${at} runAsUser`).not.toBe(0);
        expect(c.securityContext?.allowPrivilegeEscalation, `${at} allowPrivilegeEscalation`).toBe(false);
        expect(c.securityContext?.capabilities?.drop, `${at} drops capabilities`).toContain('ALL');
      }
    }
  });

  it('fleet services run the one image as themselves, on their port, read-only but for /tmp', () => {
    const images = new Set<string>();
    for (const d of deployments()) {
      // gpu-tasks runs as two Deployments (API and workers): the pods' name label is the service.
      const name = fleetName(d);
      expect(d.metadata.name === name || d.metadata.name.startsWith(`${name}-`), `Deployment/${d.metadata.name} named after ${name}`).toBe(
        true,
      );
      expect(Object.keys(FLEET_PORTS), `Deployment/${d.metadata.name} is a fleet service`).toContain(name);
      const [c, ...sidecars] = d.spec.template.spec.containers;
      expect(sidecars, `Deployment/${name} sidecars`).toEqual([]);
      if (!c) throw new Error(`Deployment/${name} has no container`);
      images.add(c.image);
      expect(envValue(resources(), c, 'SERVICE'), `Deployment/${name} SERVICE`).toBe(name);
      expect(envValue(resources(), c, 'PORT'), `Deployment/${name} PORT`).toBe(String(FLEET_PORTS[name]));
      expect(resolvePort(c, 'mcp'), `Deployment/${name} port mcp`).toBe(FLEET_PORTS[name]);
      expect(c.readinessProbe?.httpGet?.path, `Deployment/${name} readiness`).toBe('/readyz');
      expect(c.livenessProbe?.httpGet?.path, `Deployment/${name} liveness`).toBe('/healthz');
      expect(c.securityContext?.readOnlyRootFilesystem, `Deployment/${name} read-only root`).toBe(true);
      expect(
        c.volumeMounts?.map((m) => m.mountPath),
        `Deployment/${name} /tmp`,
      ).toContain('/tmp');
    }
    expect([...images]).toHaveLength(1);
    const [image] = images;
    if (isOverlay) expect(image, 'overlays pin a tag or digest').toMatch(/^[^:@]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/);
    else expect(image).toBe(IMAGE);
  });

  it('every Deployment has a PodDisruptionBudget and an autoscaler selecting it', () => {
    const pdbs = of<Selecting>(resources(), 'PodDisruptionBudget');
    const autoscalers = [...of<Autoscaler>(resources(), 'HorizontalPodAutoscaler'), ...of<Autoscaler>(resources(), 'ScaledObject')];
    for (const d of deployments()) {
      const labels = d.spec.template.metadata.labels;
      const id = `Deployment/${d.metadata.name}`;
      const covering = pdbs.filter((p) => {
        const selector = p.spec.selector as { matchLabels?: Labels } | undefined;
        return selector?.matchLabels !== undefined && matches(selector.matchLabels, labels);
      });
      expect(covering.length, `${id} PodDisruptionBudgets`).toBe(1);
      const scaling = autoscalers.filter(
        (a) => (a.spec.scaleTargetRef.kind ?? 'Deployment') === 'Deployment' && a.spec.scaleTargetRef.name === d.metadata.name,
      );
      expect(scaling.length, `${id} autoscalers`).toBe(1);
      const a = scaling[0] as Autoscaler;
      const min = a.spec.minReplicas ?? a.spec.minReplicaCount ?? 1;
      const max = a.spec.maxReplicas ?? a.spec.maxReplicaCount ?? 100;
      expect(min, `${id} minReplicas`).toBeGreaterThanOrEqual(1);
      expect(max, `${id} maxReplicas`).toBeGreaterThanOrEqual(min);
      // Without replicas the autoscaler alone sets the count (from minReplicas up).
      if (d.spec.replicas !== undefined) {
        expect(d.spec.replicas, `${id} replicas within the autoscaler's range`).toBeGreaterThanOrEqual(min);
        expect(d.spec.replicas, `${id} replicas within the autoscaler's range`).toBeLessThanOrEqual(max);
      }
    }
  });

  it('pods are given longer to stop than they take to drain', () => {
    for (const d of deployments()) {
      const pod = d.spec.template.spec;
      for (const c of pod.containers) {
        const drainMs = Number(envValue(resources(), c, 'SHUTDOWN_GRACE_MS') ?? 10000);
        const command = c.lifecycle?.preStop?.exec?.command ?? [];
        const preStopMs = command[0] === 'sleep' ? Number(command[1]) * 1000 : 0;
        const graceMs = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
        // runService (service-kit) gives up 5 s after SHUTDOWN_GRACE_MS; SIGKILL must not come first.
        expect(graceMs, `Deployment/${d.metadata.name}: grace > preStop + SHUTDOWN_GRACE_MS + 5 s`).toBeGreaterThan(
          preStopMs + drainMs + 5000,
        );
      }
    }
  });

  it('every Service port matches a port its pods expose', () => {
    for (const s of of<ServiceResource>(resources(), 'Service')) {
      const id = `Service/${s.metadata.name}`;
      const pods = workloads().filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
      expect(pods.length, `${id} selects a workload`).toBeGreaterThan(0);
      for (const w of pods) {
        for (const port of s.spec.ports) {
          const found = w.spec.template.spec.containers
            .map((c) => resolvePort(c, port.targetPort ?? port.port))
            .find((p) => p !== undefined);
          expect(found, `${id} port ${port.name ?? port.port} on ${w.kind}/${w.metadata.name}`).toBe(port.port);
        }
      }
    }
  });

  it('secrets reach only their readers: provider keys the brain alone, the JWT secret every service', () => {
    const readers = new Map<string, string[]>();
    for (const { owner, pod } of podSpecs(resources())) {
      for (const secret of secretsReadBy(pod)) readers.set(secret, [...(readers.get(secret) ?? []), owner]);
    }
    for (const [secret, owners] of readers) {
      const allowed = SECRET_READERS[secret];
      expect(allowed, `Secret ${secret} is documented in SECRET_READERS`).toBeDefined();
      if (allowed && !allowed.includes('*')) {
        expect(
          owners.filter((o) => !allowed.includes(o)),
          `readers of ${secret}`,
        ).toEqual([]);
      }
    }
    if (deployments().some((d) => d.metadata.name === 'brain')) {
      expect(readers.get('automovie-provider-keys')).toEqual(['Deployment/brain']);
    }
    for (const d of deployments()) {
      expect(secretsReadBy(d.spec.template.spec), `Deployment/${d.metadata.name}`).toContain('automovie-jwt');
    }
    for (const { owner, pod } of podSpecs(resources())) {
      for (const c of containersOf(pod)) {
        for (const source of c.envFrom ?? []) {
          const ref = source.configMapRef?.name;
          if (ref === undefined) continue;
          const exists = resources().some((r) => r.kind === 'ConfigMap' && r.metadata.name === ref);
          expect(exists, `${owner} reads ConfigMap ${ref}`).toBe(true);
        }
      }
    }
  });

  it('every service in services/ runs here; gpu-tasks as API pods behind its Service and worker pods', () => {
    const running = new Set(deployments().map(fleetName));
    for (const service of existingServices()) expect([...running], `a Deployment runs ${service}`).toContain(service);
    const gpu = deployments().filter((d) => fleetName(d) === 'gpu-tasks');
    if (gpu.length === 0) return;
    const flag = (d: Workload, key: string) => envValue(resources(), d.spec.template.spec.containers[0] as Container, key);
    const api = gpu.filter((d) => flag(d, 'WORKERS_ENABLED') === 'false' && flag(d, 'API_ENABLED') !== 'false');
    const workers = gpu.filter((d) => flag(d, 'API_ENABLED') === 'false' && flag(d, 'WORKERS_ENABLED') !== 'false');
    expect(api.map((d) => d.metadata.name)).toEqual(['gpu-tasks']);
    expect(workers.map((d) => d.metadata.name)).toEqual(['gpu-tasks-worker']);
    const service = of<ServiceResource>(resources(), 'Service').find((s) => s.metadata.name === 'gpu-tasks');
    for (const d of gpu) {
      expect(matches(service?.spec.selector, d.spec.template.metadata.labels), `Service/gpu-tasks selects ${d.metadata.name}`).toBe(
        api.includes(d),
      );
    }
  });

  it("each Deployment's config loads the environment it is given, and its own env names what the config reads", () => {
    for (const d of deployments()) {
      const config = configs.get(fleetName(d));
      expect(config, `services/${fleetName(d)}/src/config.ts`).toBeDefined();
      if (!config) continue;
      const c = d.spec.template.spec.containers[0] as Container;
      const env = podEnv(resources(), c);
      expect(() => config.load(env), `Deployment/${d.metadata.name}: its config loads its environment`).not.toThrow();
      const read = consumedKeys(config, env);
      // SERVICE is read by the image's CMD, not by the service.
      const unread = (c.env ?? []).map((e) => e.name).filter((k) => k !== 'SERVICE' && !read.has(k));
      expect(unread, `Deployment/${d.metadata.name}: env its config does not read`).toEqual([]);
    }
    const brain = deployments().find((d) => d.metadata.name === 'brain');
    if (brain) {
      const c = brain.spec.template.spec.containers[0] as Container;
      expect(envValue(resources(), c, 'BRAIN_PUBLIC_URL'), 'signed URLs name an address other pods reach').toBe(
        `http://brain:${FLEET.brain.port}`,
      );
    }
  });

  it('only the brain mounts a volume that outlives the pod (the asset store); others write /tmp alone', () => {
    for (const d of deployments()) {
      const durable = (d.spec.template.spec.volumes ?? []).filter((v) => v.emptyDir === undefined);
      if (fleetName(d) === 'brain') continue;
      expect(
        durable.map((v) => v.name),
        `Deployment/${d.metadata.name} volumes other than emptyDir`,
      ).toEqual([]);
      const mounts = containersOf(d.spec.template.spec).flatMap((c) => (c.volumeMounts ?? []).map((m) => m.mountPath));
      expect(mounts, `Deployment/${d.metadata.name} mounts`).toEqual(['/tmp']);
    }
  });

  it('autoscalers on External metrics name a metric the Prometheus adapter rule serves', () => {
    const served = adapterMetrics();
    for (const a of of<Autoscaler>(resources(), 'HorizontalPodAutoscaler')) {
      for (const m of a.spec.metrics ?? []) {
        if (m.type === 'External') expect(served, `HorizontalPodAutoscaler/${a.metadata.name}`).toContain(m.external?.metric.name);
      }
    }
    const worker = of<Autoscaler>(resources(), 'HorizontalPodAutoscaler').find((a) => a.spec.scaleTargetRef.name === 'gpu-tasks-worker');
    if (worker && dir !== 'k8s/overlays/dev') {
      expect(
        worker.spec.metrics?.map((m) => m.type),
        'gpu-tasks workers scale on queue depth',
      ).toContain('External');
    }
  });

  it('network policies: everything denied, then DNS, the fleet, and exactly the peers each config calls', () => {
    const policies = of<NetworkPolicy>(resources(), 'NetworkPolicy');
    const everyPod = policies.filter(
      (p) => Object.keys(p.spec.podSelector.matchLabels ?? {}).length === 0 && (p.spec.podSelector.matchExpressions ?? []).length === 0,
    );
    expect(
      everyPod.some(
        (p) =>
          p.spec.policyTypes.includes('Ingress') &&
          p.spec.policyTypes.includes('Egress') &&
          (p.spec.ingress ?? []).length === 0 &&
          (p.spec.egress ?? []).length === 0,
      ),
      'a default-deny policy for every pod',
    ).toBe(true);
    for (const p of policies) {
      const id = `NetworkPolicy/${p.metadata.name}`;
      for (const rule of p.spec.egress ?? []) {
        expect(rule.to?.length, `${id}: no egress rule open to every destination`).toBeGreaterThan(0);
        for (const peer of rule.to ?? []) {
          if (peer.namespaceSelector) {
            expect(rule.ports?.length, `${id}: other namespaces only for DNS`).toBeGreaterThan(0);
            for (const port of rule.ports ?? []) expect(port.port, `${id}: other namespaces only for DNS`).toBe(53);
          }
          if (peer.podSelector) expect(peer.podSelector, `${id}: egress to every pod`).not.toEqual({});
        }
      }
      const blocks = (p.spec.egress ?? []).flatMap((rule) => (rule.to ?? []).flatMap((peer) => peer.ipBlock ?? []));
      if (blocks.length === 0) continue;
      expect(p.spec.podSelector.matchLabels, `${id}: only the brain reaches addresses outside the cluster`).toEqual({ [NAME]: 'brain' });
      for (const block of blocks.filter((b) => b.cidr === '0.0.0.0/0')) {
        expect(block.except, `${id} keeps private ranges closed`).toEqual(expect.arrayContaining(PRIVATE_RANGES));
      }
    }

    const services = of<ServiceResource>(resources(), 'Service').filter((s) => s.metadata.name in FLEET);
    const podsOf = (s: ServiceResource) => workloads().filter((w) => matches(s.spec.selector, w.spec.template.metadata.labels));
    const datastore = (name: string) => workloads().find((w) => w.kind === 'StatefulSet' && w.metadata.name === name);
    const redis = datastore('redis');
    const neo4j = datastore('neo4j');
    const scraper: Endpoint = { labels: { [NAME]: 'prometheus' }, namespace: namespaceLabels(MONITORING_NAMESPACE) };
    for (const d of deployments()) {
      const name = fleetName(d);
      const id = `Deployment/${d.metadata.name}`;
      const config = configs.get(name);
      if (!config) continue;
      const calls = calledServices(config);
      for (const s of services) {
        if (s.metadata.name === name) continue;
        for (const target of podsOf(s)) {
          const port = s.spec.ports[0]?.port as number;
          expect(connects(policies, podOf(d), podOf(target), port), `${id} → Service/${s.metadata.name} (${target.metadata.name})`).toBe(
            calls.has(s.metadata.name as ServiceName),
          );
        }
      }
      // Both ends, each on its own: either policy alone keeps the datastore closed to the rest.
      if (redis) {
        expect(connects(policies, podOf(d), podOf(redis), 6379), `${id} → redis`).toBe(usesRedis(config));
        expect(allows(policies, 'Ingress', podOf(redis), podOf(d), 6379), `redis admits ${id}`).toBe(usesRedis(config));
      }
      if (neo4j) {
        expect(connects(policies, podOf(d), podOf(neo4j), 7687), `${id} → neo4j`).toBe(name === 'brain');
        expect(allows(policies, 'Ingress', podOf(neo4j), podOf(d), 7687), `neo4j admits ${id}`).toBe(name === 'brain');
      }
      const port = FLEET[name].port;
      expect(allows(policies, 'Ingress', podOf(d), scraper, port), `${id}: Prometheus in ${MONITORING_NAMESPACE} scrapes it`).toBe(true);
    }
    if (redis && neo4j) expect(connects(policies, podOf(redis), podOf(neo4j), 7687), 'redis → neo4j').toBe(false);
  });

  it('Redis is configured for BullMQ: persistent and never evicting', () => {
    const redis = workloads().find((w) => w.kind === 'StatefulSet' && w.metadata.name === 'redis');
    expect(redis).toBeDefined();
    const configName = redis?.spec.template.spec.volumes?.find((v) => v.configMap)?.configMap?.name;
    const config = resources().find((r) => r.kind === 'ConfigMap' && r.metadata.name === configName);
    const lines = (config?.data?.['redis.conf'] ?? '').split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['appendonly yes', 'maxmemory-policy noeviction']));
    const args = redis?.spec.template.spec.containers[0]?.args ?? [];
    expect(
      args.filter((a) => /maxmemory-policy/.test(a)),
      'the policy is not overridden',
    ).toEqual([]);
  });

  it.runIf(isOverlay)('chooses a graph backend that fits its replica count', () => {
    const brain = deployments().find((d) => d.metadata.name === 'brain');
    expect(brain).toBeDefined();
    if (!brain) return;
    const c = brain.spec.template.spec.containers[0] as Container;
    const backend = envValue(resources(), c, 'GRAPH_BACKEND');
    expect(['embedded', 'neo4j']).toContain(backend);
    const hpa = of<Autoscaler>(resources(), 'HorizontalPodAutoscaler').find((a) => a.spec.scaleTargetRef.name === 'brain');
    if (backend === 'embedded') {
      expect(hpa?.spec.maxReplicas, 'the embedded graph has one writer').toBe(1);
      expect(brain.spec.replicas).toBe(1);
      expect(brain.spec.strategy?.type, 'no two pods on the graph during a rollout').toBe('Recreate');
    } else {
      const host = new URL(envValue(resources(), c, 'NEO4J_URI') ?? '').hostname;
      expect(
        of(resources(), 'Service').map((s) => s.metadata.name),
        'NEO4J_URI names a Service',
      ).toContain(host);
      expect(c.env?.find((e) => e.name === 'NEO4J_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe('automovie-neo4j');
    }
  });
});
