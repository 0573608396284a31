import { EVENTS_STREAM, EventEnvelopeSchema } from '@automovie/contracts';
import { type RedisServer, startRedis } from '@automovie/testing';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventPublisher } from '../src/index.ts';

describe('EventPublisher on a real Redis', () => {
  let redis: RedisServer;
  let reader: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    reader = new Redis(redis.url);
  });
  afterAll(async () => {
    reader?.disconnect();
    await redis?.stop();
  });

  it('appends enveloped events to the stream, in order', async () => {
    const pub = new EventPublisher({ redisUrl: redis.url, source: 'brain', logger: pino({ level: 'silent' }) });
    const a = await pub.publish('node.created', { id: 'n1', label: 'Character' }, { projectId: 'p1', actor: 'user:u1' });
    const b = await pub.publish('node.deleted', { id: 'n1', label: 'Character', relationshipsDeleted: 0 }, { projectId: 'p1' });
    expect(a).toMatch(/^\d+-\d+$/);
    const entries = await reader.xrange(EVENTS_STREAM, '-', '+');
    expect(entries.map(([id]) => id)).toEqual([a, b]);
    const first = EventEnvelopeSchema.parse(JSON.parse(entries[0]?.[1][3] as string));
    expect(first).toMatchObject({ type: 'node.created', source: 'brain', projectId: 'p1', actor: 'user:u1', data: { id: 'n1' } });
    expect(entries[0]?.[1].slice(0, 2)).toEqual(['type', 'node.created']);
    expect(pub.published).toBe(2);
    await pub.close();
  });

  it('refuses a malformed event type before touching Redis', async () => {
    const pub = new EventPublisher({ redisUrl: redis.url, source: 'brain', logger: pino({ level: 'silent' }) });
    await expect(pub.publish('NodeCreated', {})).rejects.toThrow(/noun\.verb/);
    await pub.close();
  });

  it('does not fail the caller when Redis is gone; counts the loss', async () => {
    const gone = await startRedis();
    const pub = new EventPublisher({ redisUrl: gone.url, source: 'brain', logger: pino({ level: 'silent' }), timeoutMs: 300 });
    await pub.ping();
    await gone.stop();
    const id = await pub.publish('node.created', { id: 'n2', label: 'Scene' });
    expect(id).toBeUndefined();
    expect(pub.failed).toBe(1);
    await pub.close();
  });
});
