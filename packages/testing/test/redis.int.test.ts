import { createConnection } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RedisServer, startRedis } from '../src/index.ts';

/** One raw RESP command: enough to test the harness without a client library. */
function command(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ port, host: '127.0.0.1' });
    sock.once('connect', () => sock.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`));
    sock.once('data', (d) => {
      sock.destroy();
      resolve(d.toString());
    });
    sock.once('error', reject);
  });
}

describe('startRedis', () => {
  let redis: RedisServer | undefined;
  afterEach(async () => {
    await redis?.stop();
    redis = undefined;
  });

  it('starts a real redis-server on a free port', async () => {
    redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}`);
    expect(await command(redis.port, 'SET', 'k', 'v')).toBe('+OK\r\n');
    expect(await command(redis.port, 'GET', 'k')).toBe('$1\r\nv\r\n');
  });

  it('keeps data across a restart when persistence is on, and loses it without', async () => {
    redis = await startRedis({ persistence: true });
    await command(redis.port, 'SET', 'kept', 'yes');
    await redis.restart();
    expect(await command(redis.port, 'GET', 'kept')).toBe('$3\r\nyes\r\n');
    await redis.stop();

    redis = await startRedis({ persistence: false });
    await command(redis.port, 'SET', 'lost', 'yes');
    await redis.restart();
    expect(await command(redis.port, 'GET', 'lost')).toBe('$-1\r\n');
  });
});
