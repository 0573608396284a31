/**
 * The fleet's services and their default local ports. `automovie up` starts the ones that exist;
 * a service's URL is `ws://127.0.0.1:<port>/mcp` unless `AUTOMOVIE_<SERVICE>_URL` says otherwise.
 */
export const FLEET = {
  frontend: { port: 4000 },
  brain: { port: 4100 },
  orchestrator: { port: 4110 },
  'gpu-tasks': { port: 4120 },
  story: { port: 4130 },
  character: { port: 4140 },
  visual: { port: 4150 },
  audio: { port: 4160 },
  video: { port: 4170 },
  asset3d: { port: 4180 },
  export: { port: 4190 },
  webhooks: { port: 4200 },
  analytics: { port: 4210 },
} as const;
export type ServiceName = keyof typeof FLEET;

export function isServiceName(name: string): name is ServiceName {
  return Object.hasOwn(FLEET, name);
}

/** The env var that overrides a service's MCP URL: `AUTOMOVIE_GPU_TASKS_URL`. */
export function serviceUrlEnvVar(service: string): string {
  return `AUTOMOVIE_${service.toUpperCase().replace(/-/g, '_')}_URL`;
}

/** Resolves a service's MCP URL from an env map, else its local default. */
export function serviceUrl(service: ServiceName, env: Record<string, string | undefined> = {}): string {
  return env[serviceUrlEnvVar(service)] ?? `ws://127.0.0.1:${FLEET[service].port}/mcp`;
}
