// The deployment tests' view of the fleet: which services exist in this checkout, and what each
// one's own config (services/<name>/src/config.ts) reads. The configs are the truth; compose and
// the Kubernetes manifests are checked against them.
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FLEET, isServiceName, type ServiceName, serviceUrlEnvVar } from '@automovie/contracts';

export const ROOT = resolve(import.meta.dirname, '..');

/** A JWT secret long enough for every config, standing in for the out-of-band Secret. */
export const TEST_SECRET = 'deployment-test-secret-0123456789abcdef';

/** Fleet services that have a directory under services/: compose and Kubernetes must run each one. */
export function existingServices(): ServiceName[] {
  return readdirSync(join(ROOT, 'services'), { withFileTypes: true })
    .filter((e) => e.isDirectory() && isServiceName(e.name) && existsSync(join(ROOT, 'services', e.name, 'package.json')))
    .map((e) => e.name as ServiceName)
    .sort();
}

export interface ServiceConfig {
  service: ServiceName;
  /** The variables the config schema declares. */
  keys: ReadonlySet<string>;
  /** The service's own loader: throws INVALID_CONFIG naming each bad variable. */
  load(env: Record<string, string | undefined>): Record<string, unknown>;
}

interface ShapedSchema {
  shape: Record<string, unknown>;
}

/** Imports a service's config module; undefined while the service has none. */
export async function serviceConfig(service: ServiceName): Promise<ServiceConfig | undefined> {
  const file = join(ROOT, 'services', service, 'src', 'config.ts');
  if (!existsSync(file)) return undefined;
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const schemas = Object.entries(mod).filter(([name, v]) => /ConfigSchema$/.test(name) && typeof v === 'object' && v !== null);
  const loaders = Object.entries(mod).filter(([name, v]) => /^load\w*Config$/.test(name) && typeof v === 'function');
  const [schema] = schemas;
  const [loader] = loaders;
  if (schemas.length !== 1 || loaders.length !== 1 || !schema || !loader) {
    throw new Error(`services/${service}/src/config.ts: expected one *ConfigSchema and one load*Config export`);
  }
  const shape = (schema[1] as ShapedSchema).shape;
  if (typeof shape !== 'object' || shape === null) throw new Error(`services/${service}/src/config.ts: the schema is not a zod object`);
  const load = loader[1] as ServiceConfig['load'];
  return { service, keys: new Set(Object.keys(shape)), load };
}

/**
 * The variables of `env` the service consumes: what its loader keeps (schema keys), plus the
 * `AUTOMOVIE_<SERVICE>_URL` overrides a loader collects by pattern (the orchestrator's `fleetUrls`).
 */
export function consumedKeys(config: ServiceConfig, env: Record<string, string>): Set<string> {
  const loaded = config.load(env);
  const kept = new Set(Object.keys(loaded).filter((k) => k in env));
  const fleetUrls = loaded.fleetUrls;
  if (typeof fleetUrls === 'object' && fleetUrls !== null) for (const k of Object.keys(fleetUrls)) kept.add(k);
  return kept;
}

/** Every fleet service's URL variable, as a service in a cluster or compose network would be told it. */
export function allFleetUrls(): Record<string, string> {
  return Object.fromEntries(Object.entries(FLEET).map(([name, { port }]) => [serviceUrlEnvVar(name), `ws://${name}:${port}/mcp`]));
}

/**
 * The fleet services a service calls: those whose URL variable it consumes when offered all of
 * them (plus what it needs to load at all).
 */
export function calledServices(config: ServiceConfig): Set<ServiceName> {
  const env = { AUTOMOVIE_JWT_SECRET: TEST_SECRET, REDIS_URL: 'redis://redis:6379', ...allFleetUrls() };
  const consumed = consumedKeys(config, env);
  return new Set((Object.keys(FLEET) as ServiceName[]).filter((s) => s !== config.service && consumed.has(serviceUrlEnvVar(s))));
}

/** Whether the service talks to Redis (its config reads REDIS_URL). */
export function usesRedis(config: ServiceConfig): boolean {
  return config.keys.has('REDIS_URL');
}
