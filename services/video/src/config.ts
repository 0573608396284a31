import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

const wsUrl = z.url({ protocol: /^wss?$/ }).optional();

export const videoConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.video.port),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: wsUrl,
  /** gpu-tasks URL override (default ws://127.0.0.1:4120/mcp). */
  AUTOMOVIE_GPU_TASKS_URL: wsUrl,
  /** audio URL override (default ws://127.0.0.1:4160/mcp): subtitles to burn in come from its make_subtitles. */
  AUTOMOVIE_AUDIO_URL: wsUrl,
  /** Timeout of each call to another service (renders and clip generation are slow). Default 300000 ms. */
  VIDEO_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(300_000),
  /** How long one long-poll on a gpu-tasks task waits before asking again. Default 120000 ms. */
  VIDEO_TASK_POLL_MS: z.coerce.number().int().min(100).max(600_000).default(120_000),
  /** Largest asset downloaded for local work (merge, trim, thumbnail, probe). Default 2 GiB. */
  VIDEO_MAX_ASSET_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(64 * 1024 ** 3)
    .default(2 * 1024 ** 3),
});
export type VideoConfig = z.infer<typeof videoConfigSchema>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadVideoConfig(env: Record<string, string | undefined>): Readonly<VideoConfig> {
  return loadConfig(videoConfigSchema, env);
}
