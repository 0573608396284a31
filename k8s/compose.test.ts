// docker-compose.yml without Docker: parsed as compose reads it (YAML merge keys, ${VAR}
// interpolation from .env), then checked against the fleet table and each service's own config.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FLEET, type ServiceName, serviceUrlEnvVar } from '@automovie/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { consumedKeys, existingServices, ROOT, type ServiceConfig, serviceConfig, TEST_SECRET } from './service-configs.ts';

/** What a minimal .env beside docker-compose.yml holds (docs/operations.md). */
const DOT_ENV: Record<string, string> = { AUTOMOVIE_JWT_SECRET: TEST_SECRET, NEO4J_PASSWORD: 'neo4j-test-password' };

interface ComposeService {
  build?: { context: string; target?: string; args?: Record<string, string> };
  image?: string;
  profiles?: string[];
  environment?: Record<string, string | number | boolean | null>;
  env_file?: unknown;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  read_only?: boolean;
  cap_drop?: string[];
  tmpfs?: string[];
}
interface Compose {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** Compose's interpolation: $$, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}. */
function interpolate(value: string, vars: Record<string, string>, where: string): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name?: string, op?: string, arg?: string) => {
    if (match === '$$') return '$';
    const v = vars[name as string];
    const unsetOrEmpty = v === undefined || (op?.startsWith(':') && v === '');
    if (op?.endsWith('-')) return unsetOrEmpty ? (arg ?? '') : (v as string);
    if (op?.endsWith('?')) {
      if (unsetOrEmpty) throw new Error(`${where}: ${name} is required (${arg})`);
      return v as string;
    }
    return v ?? '';
  });
}

const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
/** Compose services that run a fleet service (built from the Dockerfile with a SERVICE argument). */
const fleetEntries = Object.entries(compose.services).filter(([, s]) => s.build?.args?.SERVICE !== undefined);
const serviceOf = (s: ComposeService) => s.build?.args?.SERVICE as ServiceName;

function environment(name: string, s: ComposeService): Record<string, string> {
  return Object.fromEntries(
    Object.entries(s.environment ?? {}).map(([k, v]) => [k, interpolate(String(v ?? ''), DOT_ENV, `${name}.environment.${k}`)]),
  );
}

const configs = new Map<ServiceName, ServiceConfig | undefined>();
beforeAll(async () => {
  for (const service of existingServices()) configs.set(service, await serviceConfig(service));
});

describe('docker-compose.yml', () => {
  it('runs every service in services/, under its own name, and only fleet services', () => {
    for (const service of existingServices()) {
      expect(serviceOf(compose.services[service] ?? {}), `compose service ${service}`).toBe(service);
    }
    for (const [name, s] of fleetEntries) {
      expect(Object.keys(FLEET), `${name} builds a fleet service`).toContain(serviceOf(s));
      expect(existingServices(), `${name} builds a service that exists in services/`).toContain(serviceOf(s));
      expect(s.build?.context, name).toBe('.');
      expect(s.build?.target, name).toBe('runtime');
    }
  });

  it('gives each service its fleet port, publishes at most that port on loopback, checks readiness', () => {
    for (const [name, s] of fleetEntries) {
      const port = FLEET[serviceOf(s)].port;
      expect(environment(name, s).PORT, `${name} PORT`).toBe(String(port));
      for (const mapping of s.ports ?? []) expect(mapping, `${name} ports`).toBe(`127.0.0.1:${port}:${port}`);
      expect(s.healthcheck?.test.join(' '), `${name} healthcheck`).toMatch(/\/readyz/);
      expect(s.read_only, `${name} read_only`).toBe(true);
      expect(s.cap_drop, `${name} cap_drop`).toEqual(['ALL']);
      expect(s.tmpfs, `${name} tmpfs`).toContain('/tmp');
    }
    const published = fleetEntries.flatMap(([, s]) => s.ports ?? []);
    expect(new Set(published).size, 'no host port published twice').toBe(published.length);
  });

  it("sets only variables the service's config reads, and its config accepts them", () => {
    for (const [name, s] of fleetEntries) {
      const config = configs.get(serviceOf(s));
      expect(config, `services/${serviceOf(s)}/src/config.ts exists`).toBeDefined();
      if (!config) continue;
      const env = environment(name, s);
      expect(() => config.load(env), `${name}: its config loads the compose environment`).not.toThrow();
      const unread = Object.keys(env).filter((k) => !consumedKeys(config, env).has(k));
      expect(unread, `${name}: variables its config does not read`).toEqual([]);
    }
  });

  it('tells each service where the services it calls and Redis are, and starts them first', () => {
    const names = new Set(Object.keys(compose.services));
    for (const [name, s] of fleetEntries) {
      const config = configs.get(serviceOf(s));
      if (!config) continue;
      const env = environment(name, s);
      // A URL the config declares but compose leaves unset would fall back to 127.0.0.1.
      for (const key of config.keys) {
        if (/^AUTOMOVIE_[A-Z0-9_]+_URL$/.test(key) || key === 'REDIS_URL') expect(env[key], `${name} ${key}`).toBeDefined();
      }
      for (const [key, value] of Object.entries(env)) {
        const target = Object.keys(FLEET).find((f) => serviceUrlEnvVar(f) === key);
        if (target !== undefined) {
          expect(value, `${name} ${key}`).toBe(`ws://${target}:${FLEET[target as ServiceName].port}/mcp`);
          expect(names, `${name} ${key} names a compose service`).toContain(target);
          if (target !== serviceOf(s)) expect(Object.keys(s.depends_on ?? {}), `${name} starts after ${target}`).toContain(target);
        }
      }
      if (env.REDIS_URL !== undefined) {
        expect(env.REDIS_URL).toBe('redis://redis:6379');
        expect(s.depends_on?.redis?.condition, `${name} waits for Redis`).toBe('service_healthy');
      }
      if (serviceOf(s) !== 'brain') expect(s.depends_on?.brain?.condition, `${name} waits for the brain`).toBe('service_healthy');
      for (const dependency of Object.keys(s.depends_on ?? {})) expect(names, `${name} depends on ${dependency}`).toContain(dependency);
    }
  });

  it('gives .env (provider keys) and the data volume to the brain alone', () => {
    for (const [name, s] of fleetEntries) {
      const isBrain = serviceOf(s) === 'brain';
      expect(s.env_file !== undefined, `${name} env_file`).toBe(isBrain);
      const mounts = (s.volumes ?? []).map((v) => v.split(':')[1]);
      expect(mounts.includes('/data'), `${name} mounts /data`).toBe(isBrain);
    }
    const brain = compose.services.brain;
    expect(brain && environment('brain', brain).BRAIN_PUBLIC_URL, 'signed URLs name an address other containers reach').toBe(
      'http://brain:4100',
    );
  });

  it('scales gpu-tasks with worker-only containers behind a profile', () => {
    const workers = fleetEntries.filter(([name, s]) => serviceOf(s) === 'gpu-tasks' && name !== 'gpu-tasks');
    for (const [name, s] of workers) {
      expect(environment(name, s).API_ENABLED, `${name} API_ENABLED`).toBe('false');
      expect(s.ports ?? [], `${name} publishes no port, so it scales`).toEqual([]);
      expect(s.profiles?.length, `${name} is off by default`).toBeGreaterThan(0);
    }
  });
});
