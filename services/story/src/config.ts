import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

export const storyConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.story.port),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** Timeout of each brain call (outline and screenplay drafting are slow). Default 120000 ms. */
  STORY_BRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** Graph writes in flight at once while storing a screenplay. Default 8. */
  STORY_WRITE_PARALLELISM: z.coerce.number().int().min(1).max(64).default(8),
});
export type StoryConfig = z.infer<typeof storyConfigSchema>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadStoryConfig(env: Record<string, string | undefined>): Readonly<StoryConfig> {
  return loadConfig(storyConfigSchema, env);
}
