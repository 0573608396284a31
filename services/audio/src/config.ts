import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

export const audioConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.audio.port),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** gpu-tasks URL override (default ws://127.0.0.1:4120/mcp). */
  AUTOMOVIE_GPU_TASKS_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** Timeout of each brain or gpu-tasks call (music beds and speech batches are slow). Default 300000 ms. */
  AUDIO_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(300_000),
  /** How long one long-poll on a gpu-tasks task waits before asking again. Default 120000 ms. */
  AUDIO_TASK_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  /** Music beds and ambiences generated at once. Default 2. */
  AUDIO_SCORE_PARALLELISM: z.coerce.number().int().min(1).max(16).default(2),
});
export type AudioConfig = z.infer<typeof audioConfigSchema>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadAudioConfig(env: Record<string, string | undefined>): Readonly<AudioConfig> {
  return loadConfig(audioConfigSchema, env);
}
