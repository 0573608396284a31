import { setTimeout as sleep } from 'node:timers/promises';
import { defineTool } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { type LogCapture, testConfig } from '@automovie/testing';
import { z } from 'zod';
import { type BaseConfig, buildService, createLogger, type ReadinessCheck, type Service, type ServiceDefinition } from '../src/index.ts';

export const echo = defineTool({
  name: 'echo',
  description: 'Returns its text.',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
});

export const slow = defineTool({
  name: 'slow',
  description: 'Sleeps `ms` milliseconds.',
  input: z.object({ ms: z.number().int().min(0) }),
  output: z.object({ ms: z.number() }),
});

export { LogCapture } from '@automovie/testing';

export interface KitServiceOptions {
  config?: Partial<BaseConfig>;
  readiness?: ReadinessCheck[];
  routes?: ServiceDefinition['routes'];
  logs?: LogCapture;
  onStop?: () => void;
}

/** A small service with `echo` and `slow`, built (not started). */
export function buildKitService(opts: KitServiceOptions = {}): Promise<Service> {
  return buildService({
    name: 'kitsvc',
    version: '0.9.0',
    config: testConfig(opts.config),
    tools: [
      implementTool(echo, async ({ text }) => ({ text })),
      implementTool(slow, async ({ ms }, ctx) => {
        await sleep(ms, undefined, { signal: ctx.signal });
        return { ms };
      }),
    ],
    ...(opts.readiness ? { readiness: opts.readiness } : {}),
    ...(opts.routes ? { routes: opts.routes } : {}),
    ...(opts.onStop ? { onStop: opts.onStop } : {}),
    ...(opts.logs ? { logger: createLogger({ service: 'kitsvc', version: '0.9.0', level: 'debug', destination: opts.logs }) } : {}),
  });
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}
