import { randomUUID } from 'node:crypto';
import { EVENTS_STREAM, type EventEnvelope, EventEnvelopeSchema } from '@automovie/contracts';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';

export interface EventPublisherOptions {
  redisUrl: string;
  /** The emitting service, stamped on every envelope. */
  source: string;
  logger: Logger;
  /** Stream key. Default `automovie:events`. */
  stream?: string;
  /** Approximate cap on the stream's length (older entries are trimmed). Default 1,000,000. */
  maxLen?: number;
  /** How long one XADD may take before it counts as failed. Default 2000 ms. */
  timeoutMs?: number;
}

export interface EventMeta {
  projectId?: string;
  runId?: string;
  actor?: string;
}

/**
 * Appends domain events to a Redis Stream, in the envelope of packages/contracts. Publishing
 * follows a write that already succeeded, so a Redis outage never fails the write: the event is
 * logged as lost and counted (`failed`), and the caller goes on.
 */
export class EventPublisher {
  readonly #redis: Redis;
  readonly #opts: EventPublisherOptions;
  readonly #stream: string;
  readonly #maxLen: string;
  published = 0;
  failed = 0;

  constructor(opts: EventPublisherOptions) {
    this.#opts = opts;
    this.#stream = opts.stream ?? EVENTS_STREAM;
    this.#maxLen = String(opts.maxLen ?? 1_000_000);
    this.#redis = new Redis(opts.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 1,
      commandTimeout: opts.timeoutMs ?? 2000,
      enableOfflineQueue: true,
    });
    this.#redis.on('error', (err) => opts.logger.debug({ err: err.message }, 'event stream connection error'));
  }

  /** Builds and appends one event; resolves with its stream id, or undefined if it could not be appended. */
  async publish(type: string, data: Record<string, unknown>, meta: EventMeta = {}): Promise<string | undefined> {
    const envelope: EventEnvelope = EventEnvelopeSchema.parse({
      id: randomUUID(),
      type,
      version: 1,
      occurredAt: new Date().toISOString(),
      source: this.#opts.source,
      ...meta,
      data,
    });
    try {
      const id = await this.#redis.xadd(this.#stream, 'MAXLEN', '~', this.#maxLen, '*', 'type', type, 'event', JSON.stringify(envelope));
      this.published++;
      return id ?? undefined;
    } catch (err) {
      this.failed++;
      this.#opts.logger.error({ err, type, projectId: meta.projectId }, 'domain event not published');
      return undefined;
    }
  }

  /** Readiness: resolves when Redis answers PING. */
  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    await this.#redis.quit().catch(() => this.#redis.disconnect());
  }
}
