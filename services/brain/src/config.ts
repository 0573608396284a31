import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import type { z } from 'zod';

export const brainConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.brain.port),
});
export type BrainConfig = z.infer<typeof brainConfigSchema>;

/** The brain's configuration from `env` (the only place that reads the environment). */
export function loadBrainConfig(env: Record<string, string | undefined>): Readonly<BrainConfig> {
  return loadConfig(brainConfigSchema, env);
}
