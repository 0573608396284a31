import { randomUUID } from 'node:crypto';
import { type RedisServer, startRedis } from '@automovie/testing';
import { deltaChannelHistoryTests, validate } from '@langchain/langgraph-checkpoint-validation';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RedisSaver } from '../src/checkpoint/redis-saver.ts';

/*
 * LangGraph's official checkpointer validation suite (@langchain/langgraph-checkpoint-validation),
 * run against RedisSaver on a real redis-server. The suite's spec is written against test-runner
 * globals and imports nothing from vitest, so it is run here, in our own vitest, with those globals
 * provided. Its CLI cannot be used: in 1.1.1 the published runner imports a `findPackageRoot` that
 * its bundle does not export (docs/decisions.md).
 */
Object.assign(globalThis, { describe, it, expect, beforeAll, afterAll, beforeEach, afterEach });

let redis: RedisServer;
let executed = 0;
const prefixes = new WeakMap<RedisSaver, string>();

const initializer = {
  checkpointerName: '@automovie/orchestrator RedisSaver',
  beforeAllTimeout: 30_000,
  async beforeAll() {
    redis = await startRedis();
  },
  async afterAll() {
    await redis.stop();
  },
  // Each saver gets its own key prefix, so instances never see each other's state.
  createCheckpointer(): RedisSaver {
    const prefix = `lgv:${randomUUID()}:`;
    const saver = new RedisSaver({ redis: new Redis(redis.url), prefix });
    prefixes.set(saver, prefix);
    return saver;
  },
  async destroyCheckpointer(saver: RedisSaver) {
    const keys = await saver.redis.keys(`${prefixes.get(saver)}*`);
    if (keys.length > 0) await saver.redis.del(...keys);
    await saver.redis.quit();
  },
};

beforeEach(() => {
  executed++;
});

validate(initializer);
describe('delta channel history', () => deltaChannelHistoryTests(initializer));

afterAll(() => {
  // The suite registers one list case per argument combination (648) plus put/getTuple/putWrites/deleteThread cases.
  expect(executed).toBeGreaterThan(700);
});
