import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

export const characterConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.character.port),
  /** Brain URL override (default ws://127.0.0.1:4100/mcp). */
  AUTOMOVIE_BRAIN_URL: z.url({ protocol: /^wss?$/ }).optional(),
  /** Timeout of each brain call (bible drafting and reference images are slow). Default 120000 ms. */
  CHARACTER_BRAIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(120_000),
  /** Reference images drawn at once. Default 4. */
  CHARACTER_REFERENCE_PARALLELISM: z.coerce.number().int().min(1).max(32).default(4),
});
export type CharacterConfig = z.infer<typeof characterConfigSchema>;

/** The service's configuration from `env` (the only place that reads the environment). */
export function loadCharacterConfig(env: Record<string, string | undefined>): Readonly<CharacterConfig> {
  return loadConfig(characterConfigSchema, env);
}
