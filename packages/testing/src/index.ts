export { LogCapture } from './logs.ts';
export { freePort } from './ports.ts';
export { type RedisOptions, type RedisServer, startRedis } from './redis.ts';
export { type StartedService, startService, TEST_JWT_SECRET, testConfig, testToken } from './service.ts';
export { type TempDir, tempDir } from './temp.ts';
