import { setTimeout as sleep } from 'node:timers/promises';
import { AutomovieError, defineTool } from '@automovie/contracts';
import { type BaseConfig, buildService, createLogger, type Service } from '@automovie/service-kit';
import { type LogCapture, type StartedService, startService, testConfig } from '@automovie/testing';
import { z } from 'zod';
import { implementTool, type ToolImpl } from '../src/index.ts';

/** The service name the test tools are served under: scopes read `testsvc:<tool>`. */
export const SERVICE = 'testsvc';

export const echo = defineTool({
  name: 'echo',
  description: 'Returns its text, repeated `times` times.',
  input: z.object({ text: z.string().max(1000), times: z.number().int().min(1).max(10).default(1) }),
  output: z.object({ text: z.string() }),
});

export const slow = defineTool({
  name: 'slow',
  description: 'Sleeps `ms` milliseconds in `steps` steps, reporting progress after each step.',
  input: z.object({ ms: z.number().int().min(0).max(60_000), steps: z.number().int().min(1).max(1000).default(1) }),
  output: z.object({ sleptMs: z.number(), steps: z.number().int() }),
});

export const missing = defineTool({
  name: 'missing',
  description: 'Always fails with NOT_FOUND.',
  input: z.object({ id: z.string() }),
  output: z.object({}),
});

export const flood = defineTool({
  name: 'flood',
  description: 'Sends progress notifications of `size` characters until the call is aborted or `count` were sent.',
  input: z.object({ size: z.number().int().min(1), count: z.number().int().min(1).default(1_000_000), await: z.boolean().default(false) }),
  output: z.object({ sent: z.number().int() }),
});

export const big = defineTool({
  name: 'big',
  description: 'Returns a string of `size` characters.',
  input: z.object({
    size: z
      .number()
      .int()
      .min(0)
      .max(64 << 20),
  }),
  output: z.object({ data: z.string() }),
});

export const grouped = defineTool({
  name: 'grouped',
  description: 'A tool that its group scope `files.read` also grants.',
  input: z.object({}),
  output: z.object({ ok: z.boolean() }),
  scope: 'files.read',
});

export const broken = defineTool({
  name: 'broken',
  description: 'Misbehaves: returns output that breaks its contract, or throws a plain Error.',
  input: z.object({ mode: z.enum(['output', 'throw']) }),
  output: z.object({ n: z.number() }),
});

/** What the test tools saw, so tests can assert on the server side of a call. */
export interface ToolProbe {
  /** `slow` calls that ran to the end. */
  slowCompleted: number;
  /** `slow` calls whose signal was aborted before their end. */
  slowAborted: number;
  /** Progress notifications `flood` sent, per call, and whether the call saw its abort signal. */
  flood: { sent: number; aborted: boolean; done: boolean }[];
}

export function testTools(probe: ToolProbe): ToolImpl[] {
  return [
    implementTool(echo, async ({ text, times }) => ({ text: text.repeat(times) })),
    implementTool(slow, async ({ ms, steps }, ctx) => {
      const started = Date.now();
      for (let i = 1; i <= steps; i++) {
        try {
          await sleep(ms / steps, undefined, { signal: ctx.signal });
        } catch {
          probe.slowAborted++;
          throw new AutomovieError('CONFLICT', 'slow: aborted');
        }
        await ctx.progress({ progress: i, total: steps, message: `step ${i}` });
      }
      probe.slowCompleted++;
      return { sleptMs: Date.now() - started, steps };
    }),
    implementTool(missing, async ({ id }) => {
      throw new AutomovieError('NOT_FOUND', `No thing with id ${id}`, { data: { id } });
    }),
    implementTool(flood, async ({ size, count, await: awaitEach }, ctx) => {
      const state = { sent: 0, aborted: false, done: false };
      probe.flood.push(state);
      const message = 'x'.repeat(size);
      while (state.sent < count && !ctx.signal.aborted) {
        state.sent++;
        if (awaitEach) await ctx.progress({ progress: state.sent, message });
        else {
          void ctx.progress({ progress: state.sent, message }).catch(() => {});
          // Yield to I/O now and then so the socket and close events can happen.
          if (state.sent % 8 === 0) await new Promise((r) => setImmediate(r));
        }
      }
      state.aborted = ctx.signal.aborted;
      state.done = true;
      return { sent: state.sent };
    }),
    implementTool(big, async ({ size }) => ({ data: 'y'.repeat(size) })),
    implementTool(grouped, async () => ({ ok: true })),
    implementTool(broken, async ({ mode }) => {
      if (mode === 'throw') throw new TypeError('boom at line 1');
      return { n: 'not a number' } as unknown as { n: number };
    }),
  ];
}

export { LogCapture } from '@automovie/testing';

export interface TestServiceOptions {
  config?: Partial<BaseConfig>;
  /** Capture the service's logs (at debug level) here. */
  logs?: LogCapture;
  probe?: ToolProbe;
}

export function newProbe(): ToolProbe {
  return { slowCompleted: 0, slowAborted: 0, flood: [] };
}

/** Builds (without starting) the test service. */
export function buildTestService(opts: TestServiceOptions = {}): Promise<Service> {
  const config = testConfig(opts.config);
  return buildService({
    name: SERVICE,
    version: '1.2.3',
    config,
    tools: testTools(opts.probe ?? newProbe()),
    ...(opts.logs ? { logger: createLogger({ service: SERVICE, version: '1.2.3', level: 'debug', destination: opts.logs }) } : {}),
  });
}

/** Builds and starts the test service in-process on a free port (or `config.PORT`). */
export function startTestService(opts: TestServiceOptions = {}): Promise<StartedService> {
  return startService(() => buildTestService(opts));
}

/** Polls `cond` every 10 ms until it holds or `timeoutMs` passes. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** A test's cleanup list, run in reverse order by `afterEach`. */
export class Cleanup {
  readonly #fns: (() => unknown)[] = [];
  add<T>(value: T, fn: (value: T) => unknown): T {
    this.#fns.push(() => fn(value));
    return value;
  }
  async run(): Promise<void> {
    const fns = this.#fns.splice(0).reverse();
    for (const fn of fns) {
      try {
        await fn();
      } catch {
        // cleanup of something already gone
      }
    }
  }
}
