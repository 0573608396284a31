import type { RunnableConfig } from '@langchain/core/runnables';
import {
  BaseCheckpointSaver,
  type ChannelVersions,
  type Checkpoint,
  type CheckpointListOptions,
  type CheckpointMetadata,
  type CheckpointPendingWrite,
  type CheckpointTuple,
  getCheckpointId,
  maxChannelVersion,
  type PendingWrite,
  type SerializerProtocol,
  TASKS,
  WRITES_IDX_MAP,
} from '@langchain/langgraph-checkpoint';
import { Redis } from 'ioredis';

/** Options of {@link RedisSaver}. */
export interface RedisSaverOptions {
  /** A connected ioredis client (kept open by `end()`), or a URL for a client the saver owns. */
  redis: Redis | string;
  /** Prefix of every key. Default `lg:`. */
  prefix?: string;
  /** Serializer of checkpoints, metadata and writes. Default LangGraph's JsonPlusSerializer. */
  serde?: SerializerProtocol;
}

/**
 * Writes are stored once per (task, index); regular writes (index ≥ 0) keep the first value, like
 * LangGraph's own savers, while special writes (errors, interrupts: negative indexes) replace it.
 * Each write gets a sequence number so a tuple lists its writes in the order they were put.
 */
const PUT_WRITES = `
local seq = tonumber(redis.call('HGET', KEYS[1], '~seq') or '0')
for i = 1, #ARGV, 3 do
  local field, special, value = ARGV[i], ARGV[i + 1], ARGV[i + 2]
  if special == '1' or redis.call('HEXISTS', KEYS[1], field) == 0 then
    seq = seq + 1
    redis.call('HSET', KEYS[1], field, seq .. '|' .. value)
  end
end
redis.call('HSET', KEYS[1], '~seq', seq)
return seq
`;

interface StoredWrite {
  seq: number;
  taskId: string;
  channel: string;
  type: string;
  value: Buffer;
}

interface Located {
  threadId: string;
  ns: string;
  id: string;
}

function configurable(config: RunnableConfig): Record<string, unknown> {
  return (config.configurable ?? {}) as Record<string, unknown>;
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new Error(`RedisSaver: ${what} must be a non-empty string (got ${value === undefined ? 'nothing' : typeof value})`);
  }
  return value;
}

/**
 * A LangGraph checkpoint saver on plain Redis (no modules): one hash per checkpoint, a sorted set
 * of checkpoint ids per thread and namespace (all scores 0, so ids — time-ordered uuid6 — sort
 * lexically), one hash of pending writes per checkpoint, and sets of threads and namespaces so
 * `list` can run without a thread and `deleteThread` knows what to remove. Every put is one MULTI.
 */
export class RedisSaver extends BaseCheckpointSaver {
  readonly redis: Redis;
  readonly #owned: boolean;
  readonly #p: string;

  constructor(opts: RedisSaverOptions) {
    super(opts.serde);
    this.#owned = typeof opts.redis === 'string';
    this.redis = typeof opts.redis === 'string' ? new Redis(opts.redis, { lazyConnect: false }) : opts.redis;
    this.#p = opts.prefix ?? 'lg:';
    this.redis.defineCommand('lgPutWrites', { numberOfKeys: 1, lua: PUT_WRITES });
  }

  #threadsKey(): string {
    return `${this.#p}threads`;
  }
  #nsKey(threadId: string): string {
    return `${this.#p}ns:${encodeURIComponent(threadId)}`;
  }
  #idsKey(threadId: string, ns: string): string {
    return `${this.#p}ids:${encodeURIComponent(threadId)}:${encodeURIComponent(ns)}`;
  }
  #cpKey(threadId: string, ns: string, id: string): string {
    return `${this.#p}cp:${encodeURIComponent(threadId)}:${encodeURIComponent(ns)}:${encodeURIComponent(id)}`;
  }
  #writesKey(threadId: string, ns: string, id: string): string {
    return `${this.#p}w:${encodeURIComponent(threadId)}:${encodeURIComponent(ns)}:${encodeURIComponent(id)}`;
  }
  #blobsKey(threadId: string, ns: string): string {
    return `${this.#p}blobs:${encodeURIComponent(threadId)}:${encodeURIComponent(ns)}`;
  }

  async getTuple(config: RunnableConfig): Promise<CheckpointTuple | undefined> {
    const c = configurable(config);
    if (c.thread_id === undefined) return undefined;
    const threadId = requireString(c.thread_id, 'configurable.thread_id');
    const ns = typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : '';
    let id = getCheckpointId(config);
    if (!id) {
      const latest = await this.redis.zrevrange(this.#idsKey(threadId, ns), 0, 0);
      if (latest.length === 0) return undefined;
      id = latest[0] as string;
    }
    return this.#load({ threadId, ns, id });
  }

  async *list(config: RunnableConfig, options: CheckpointListOptions = {}): AsyncGenerator<CheckpointTuple> {
    const c = configurable(config);
    const { filter, before } = options;
    let remaining = options.limit;
    const beforeId = before === undefined ? undefined : getCheckpointId(before) || undefined;
    const onlyId = typeof c.checkpoint_id === 'string' && c.checkpoint_id !== '' ? c.checkpoint_id : undefined;
    const threads =
      c.thread_id === undefined ? await this.redis.smembers(this.#threadsKey()) : [requireString(c.thread_id, 'configurable.thread_id')];
    const located: Located[] = [];
    for (const threadId of threads) {
      const namespaces = typeof c.checkpoint_ns === 'string' ? [c.checkpoint_ns] : await this.redis.smembers(this.#nsKey(threadId));
      for (const ns of namespaces) {
        const max = beforeId === undefined ? '+' : `(${beforeId}`;
        const ids = await this.redis.zrevrangebylex(this.#idsKey(threadId, ns), max, '-');
        for (const id of ids) if (onlyId === undefined || id === onlyId) located.push({ threadId, ns, id });
      }
    }
    // Newest first across threads too (ids are time-ordered), so a limit keeps the most recent.
    located.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
    for (const where of located) {
      if (remaining !== undefined && remaining <= 0) return;
      const tuple = await this.#load(where);
      if (tuple === undefined) continue;
      if (filter !== undefined) {
        const metadata = (tuple.metadata ?? {}) as Record<string, unknown>;
        if (!Object.entries(filter).every(([k, v]) => metadata[k] === v)) continue;
      }
      if (remaining !== undefined) remaining--;
      yield tuple;
    }
  }

  async put(
    config: RunnableConfig,
    checkpoint: Checkpoint,
    metadata: CheckpointMetadata,
    newVersions: ChannelVersions,
  ): Promise<RunnableConfig> {
    const c = configurable(config);
    if (c.thread_id === undefined) {
      throw new Error('RedisSaver: cannot put a checkpoint: configurable.thread_id is missing');
    }
    const threadId = requireString(c.thread_id, 'configurable.thread_id');
    const ns = typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : '';
    const id = requireString(checkpoint.id, 'checkpoint.id');
    const parent = typeof c.checkpoint_id === 'string' ? c.checkpoint_id : '';
    // Channel values live apart from the checkpoint, one blob per channel version: a checkpoint
    // stores only the channels that changed since its parent (`newVersions`), not the whole state.
    const { channel_values: values, ...rest } = checkpoint;
    const blobs: Record<string, Buffer> = {};
    await Promise.all(
      Object.entries(newVersions).map(async ([channel, version]) => {
        const field = blobField(channel, version);
        if (Object.hasOwn(values, channel)) {
          const [t, b] = await this.serde.dumpsTyped((values as Record<string, unknown>)[channel]);
          blobs[field] = Buffer.concat([Buffer.from(`${t}\u0000`), Buffer.from(b)]);
        } else {
          blobs[field] = Buffer.from(`${EMPTY_BLOB}\u0000`);
        }
      }),
    );
    const [[type, body], [metaType, metaBody]] = await Promise.all([
      this.serde.dumpsTyped({ ...rest, channel_values: {} }),
      this.serde.dumpsTyped(metadata),
    ]);
    const tx = this.redis.multi();
    if (Object.keys(blobs).length > 0) tx.hset(this.#blobsKey(threadId, ns), blobs);
    await tx
      .hset(this.#cpKey(threadId, ns, id), {
        type,
        checkpoint: Buffer.from(body),
        metaType,
        metadata: Buffer.from(metaBody),
        parent,
      })
      .zadd(this.#idsKey(threadId, ns), 0, id)
      .sadd(this.#nsKey(threadId), ns)
      .sadd(this.#threadsKey(), threadId)
      .exec()
      .then(throwOnExecError);
    return { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } };
  }

  async putWrites(config: RunnableConfig, writes: PendingWrite[], taskId: string): Promise<void> {
    const c = configurable(config);
    if (c.thread_id === undefined) throw new Error('RedisSaver: cannot put writes: configurable.thread_id is missing');
    if (c.checkpoint_id === undefined) throw new Error('RedisSaver: cannot put writes: configurable.checkpoint_id is missing');
    const threadId = requireString(c.thread_id, 'configurable.thread_id');
    const id = requireString(c.checkpoint_id, 'configurable.checkpoint_id');
    const ns = typeof c.checkpoint_ns === 'string' ? c.checkpoint_ns : '';
    if (writes.length === 0) return;
    const args: string[] = [];
    const serialized = await Promise.all(writes.map(([, value]) => this.serde.dumpsTyped(value)));
    writes.forEach(([channel, _value], i) => {
      const idx = WRITES_IDX_MAP[channel] ?? i;
      const [type, body] = serialized[i] as [string, Uint8Array];
      args.push(
        `${taskId}\u0000${idx}`,
        idx < 0 ? '1' : '0',
        JSON.stringify([taskId, channel, type, Buffer.from(body).toString('base64')]),
      );
    });
    await (this.redis as unknown as { lgPutWrites(key: string, ...args: string[]): Promise<number> }).lgPutWrites(
      this.#writesKey(threadId, ns, id),
      ...args,
    );
  }

  async deleteThread(threadId: string): Promise<void> {
    const namespaces = await this.redis.smembers(this.#nsKey(threadId));
    const keys: string[] = [this.#nsKey(threadId)];
    for (const ns of namespaces) {
      const ids = await this.redis.zrange(this.#idsKey(threadId, ns), '0', '-1');
      keys.push(this.#idsKey(threadId, ns), this.#blobsKey(threadId, ns));
      for (const id of ids) keys.push(this.#cpKey(threadId, ns, id), this.#writesKey(threadId, ns, id));
    }
    const tx = this.redis.multi();
    for (let i = 0; i < keys.length; i += 500) tx.del(...keys.slice(i, i + 500));
    await tx.srem(this.#threadsKey(), threadId).exec().then(throwOnExecError);
  }

  /** Closes the connection if the saver opened it. */
  async end(): Promise<void> {
    if (this.#owned) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  async #writesOf(where: Located): Promise<StoredWrite[]> {
    const raw = await this.redis.hgetall(this.#writesKey(where.threadId, where.ns, where.id));
    const out: StoredWrite[] = [];
    for (const [field, stored] of Object.entries(raw)) {
      if (field === '~seq') continue;
      const bar = stored.indexOf('|');
      const [taskId, channel, type, b64] = JSON.parse(stored.slice(bar + 1)) as [string, string, string, string];
      out.push({ seq: Number(stored.slice(0, bar)), taskId, channel, type, value: Buffer.from(b64, 'base64') });
    }
    return out.sort((a, b) => a.seq - b.seq);
  }

  async #load(where: Located): Promise<CheckpointTuple | undefined> {
    const { threadId, ns, id } = where;
    const [hash, writes] = await Promise.all([this.redis.hgetallBuffer(this.#cpKey(threadId, ns, id)), this.#writesOf(where)]);
    const body = hash.checkpoint;
    if (body === undefined) return undefined;
    const checkpoint = (await this.serde.loadsTyped(String(hash.type), body)) as Checkpoint;
    checkpoint.channel_values = await this.#channelValues(threadId, ns, checkpoint.channel_versions);
    const parent = hash.parent?.toString() ?? '';
    if (checkpoint.v < 4 && parent !== '') await this.#migratePendingSends(checkpoint, { threadId, ns, id: parent });
    const pendingWrites: CheckpointPendingWrite[] = await Promise.all(
      writes.map(async (w) => [w.taskId, w.channel, await this.serde.loadsTyped(w.type, w.value)] as CheckpointPendingWrite),
    );
    const tuple: CheckpointTuple = {
      config: { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: id } },
      checkpoint,
      metadata: (await this.serde.loadsTyped(String(hash.metaType), hash.metadata as Buffer)) as CheckpointMetadata,
      pendingWrites,
    };
    if (parent !== '') tuple.parentConfig = { configurable: { thread_id: threadId, checkpoint_ns: ns, checkpoint_id: parent } };
    return tuple;
  }

  async #channelValues(threadId: string, ns: string, versions: Record<string, string | number>): Promise<Record<string, unknown>> {
    const channels = Object.keys(versions);
    const values: Record<string, unknown> = {};
    if (channels.length === 0) return values;
    const blobs = await this.redis.hmgetBuffer(
      this.#blobsKey(threadId, ns),
      ...channels.map((c) => blobField(c, versions[c] as string | number)),
    );
    await Promise.all(
      channels.map(async (channel, i) => {
        const blob = blobs[i];
        if (blob === null || blob === undefined) return;
        const sep = blob.indexOf(0);
        const type = blob.subarray(0, sep).toString();
        if (type === EMPTY_BLOB) return;
        values[channel] = await this.serde.loadsTyped(type, blob.subarray(sep + 1));
      }),
    );
    return values;
  }

  /** Checkpoints before format 4 kept pending sends as writes of their parent; newer ones carry them as a channel. */
  async #migratePendingSends(checkpoint: Checkpoint, parent: Located): Promise<void> {
    const writes = (await this.#writesOf(parent)).filter((w) => w.channel === TASKS);
    const sends = await Promise.all(writes.map((w) => this.serde.loadsTyped(w.type, w.value)));
    const mutable = checkpoint as { channel_values: Record<string, unknown>; channel_versions: Record<string, string | number> };
    mutable.channel_values ??= {};
    mutable.channel_values[TASKS] = sends;
    mutable.channel_versions ??= {};
    const versions = Object.values(mutable.channel_versions);
    mutable.channel_versions[TASKS] = versions.length > 0 ? maxChannelVersion(...versions) : this.getNextVersion(undefined);
  }
}

/** The blob of a channel that was cleared at that version. */
const EMPTY_BLOB = 'empty';

function blobField(channel: string, version: string | number): string {
  return `${encodeURIComponent(channel)}:${String(version)}`;
}

function throwOnExecError(results: [Error | null, unknown][] | null): void {
  if (results === null) throw new Error('RedisSaver: transaction aborted');
  for (const [err] of results) if (err) throw err;
}
