import { randomFillSync } from 'node:crypto';

const pool = Buffer.alloc(4096);
let poolAt = pool.length;
let lastMs = 0;
let counter = 0;

/**
 * A new UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, a 12-bit counter that keeps ids of the
 * same millisecond in order, then 62 random bits. Time-ordered ids land at the end of the
 * (project_id, id) indexes instead of on a random page each, which keeps bulk inserts and their
 * WAL small; the random part keeps them unguessable enough and unique across processes.
 */
export function newId(): string {
  let ms = Date.now();
  if (ms > lastMs) {
    lastMs = ms;
    counter = 0;
  } else {
    ms = lastMs;
    counter++;
    if (counter > 0xfff) {
      ms = ++lastMs;
      counter = 0;
    }
  }
  if (poolAt + 8 > pool.length) {
    randomFillSync(pool);
    poolAt = 0;
  }
  const rand = pool.subarray(poolAt, poolAt + 8);
  poolAt += 8;
  const hex = rand.toString('hex');
  const time = ms.toString(16).padStart(12, '0');
  const variant = ((parseInt(hex[0]!, 16) & 0x3) | 0x8).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${counter.toString(16).padStart(3, '0')}-${variant}${hex.slice(1, 4)}-${hex.slice(4, 16)}`;
}
