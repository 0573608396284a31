import { type StartedService, startService, TEST_JWT_SECRET, tempDir } from '@automovie/testing';
import { type BuildOptions, buildServer, loadBrainConfig } from '../src/server.ts';

export interface TestBrain extends StartedService {
  dataDir: string;
}

/**
 * A real brain in-process on port 0, its data in a fresh temp dir, configured from `env` exactly as
 * in production (loadBrainConfig), built with `opts` (a logger to capture…); `stop()` drains it and
 * removes the data.
 */
export async function startTestBrain(env: Record<string, string> = {}, opts: BuildOptions = {}): Promise<TestBrain> {
  const data = await tempDir('automovie-brain-');
  const config = loadBrainConfig({
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    AUTOMOVIE_DATA_DIR: data.path,
    ...env,
  });
  const brain = await startService(() => buildServer(config, opts));
  return {
    ...brain,
    dataDir: data.path,
    async stop() {
      await brain.stop();
      await data.remove();
    },
  };
}
