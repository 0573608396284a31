import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

const ms = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

export const visualConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.visual.port),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** gpu-tasks URL override (default ws://127.0.0.1:4120/mcp). */
  AUTOMOVIE_GPU_TASKS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** Timeout of each brain call (shot planning and prompts). Default 120000 ms. */
  VISUAL_BRAIN_TIMEOUT_MS: ms(100, 3_600_000, 120_000),
  /** How long one long-poll of a render task waits before asking again. Default 60000 ms. */
  VISUAL_RENDER_POLL_MS: ms(100, 600_000, 60_000),
  /** How long render_storyboard waits for its frames in all before giving up (the task keeps running). Default 1800000 ms. */
  VISUAL_RENDER_TIMEOUT_MS: ms(1000, 86_400_000, 1_800_000),
});
export type VisualConfig = z.infer<typeof visualConfigSchema>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadVisualConfig(env: Record<string, string | undefined>): Readonly<VisualConfig> {
  return loadConfig(visualConfigSchema, env);
}
