import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { BrainError } from '../errors.ts';
import type {
  DropMessage,
  Request,
  SearchReply,
  VectorIndexState,
  WorkerInit,
  WorkerMessage,
  WorkerReply,
  WriteMessage,
} from './vector-protocol.ts';

const WORKER_URL = new URL('./vector-worker.ts', import.meta.url);

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/**
 * The main thread's handle on the vector index worker. Writes are fire-and-forget messages sent
 * after their commit; requests (search, inspect…) are answered in order with them, so a search
 * sent after a write sees it. If the worker dies, pending requests fail with
 * BRAIN_VECTOR_INDEX_UNAVAILABLE and the next call starts a new one, which loads what it needs
 * from the database and the index files (nothing is lost: the database is the truth).
 */
export class VectorIndexClient {
  private readonly init: WorkerInit;
  private readonly logger: Logger | undefined;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly maxQueuedSearches: number;
  private searches = 0;

  /** `maxQueuedSearches`: searches in flight beyond which more are refused at once (default 64). */
  constructor(init: WorkerInit, logger?: Logger, maxQueuedSearches = 64) {
    this.init = init;
    this.logger = logger;
    this.maxQueuedSearches = maxQueuedSearches;
  }

  /** Starts the worker now (it also checkpoints the database's WAL, so it should always run). */
  start(): void {
    this.ensureWorker();
  }

  write(msg: WriteMessage): void {
    this.post(msg, [msg.addVectors.buffer as ArrayBuffer]);
  }

  drop(projectId: string): void {
    const msg: DropMessage = { op: 'drop', projectId };
    this.post(msg);
  }

  /**
   * Searches run one at a time in the worker, so a search waits for every one queued before it.
   * Past `maxQueuedSearches` in flight, a search is refused at once (BRAIN_VECTOR_INDEX_UNAVAILABLE,
   * retryable) instead of waiting: under overload some callers are told to come back, and the
   * ones admitted keep a bounded latency, rather than every caller timing out together.
   */
  async search(projectId: string, uid: string, query: Float32Array, k: number, codes: number[] | null): Promise<SearchReply> {
    if (this.searches >= this.maxQueuedSearches) {
      throw new BrainError('BRAIN_VECTOR_INDEX_UNAVAILABLE', `Vector index is busy (${this.searches} searches queued); retry shortly`, {
        data: { queued: this.searches },
      });
    }
    this.searches++;
    try {
      return (await this.request({ op: 'search', projectId, uid, query, k, codes })) as SearchReply;
    } finally {
      this.searches--;
    }
  }

  inspect(projectId: string): Promise<VectorIndexState | null> {
    return this.request({ op: 'inspect', projectId }) as Promise<VectorIndexState | null>;
  }

  /** Writes every changed index file now (tests and shutdown; never needed for correctness). */
  persist(): Promise<void> {
    return this.request({ op: 'persist' }) as Promise<void>;
  }

  /** Persists changed indexes and stops the worker. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    try {
      await this.request({ op: 'close' });
    } finally {
      this.worker = null;
      await worker.terminate();
    }
  }

  /**
   * Stops the worker without persisting anything (tests: a crash of the index, not of the data).
   * It is halted first (no HNSW insert in progress), since terminating it inside one aborts the
   * process.
   */
  async kill(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    try {
      await Promise.race([this.request({ op: 'halt' }), new Promise((r) => setTimeout(r, 2000).unref())]);
    } catch {
      // the worker is already gone
    }
    this.worker = null;
    await worker.terminate();
  }

  private request(req: Request): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // A request in flight keeps the process alive (an idle worker does not).
      if (this.pending.size === 1) this.worker?.ref();
      this.post({ id, ...req } as WorkerMessage);
    });
  }

  private post(msg: WorkerMessage, transfer: ArrayBuffer[] = []): void {
    this.ensureWorker().postMessage(msg, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_URL, { workerData: this.init });
    if (this.pending.size === 0) worker.unref();
    worker.on('message', (msg: WorkerReply | { event: 'error'; projectId: string; message: string }) => {
      if ('event' in msg) {
        this.logger?.warn({ projectId: msg.projectId, err: msg.message }, 'vector index dropped after an error; it reloads on next use');
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if (this.pending.size === 0) worker.unref();
      if (msg.ok) p.resolve(msg.value);
      else p.reject(new BrainError('BRAIN_VECTOR_INDEX_UNAVAILABLE', `Vector index failed: ${msg.error}`));
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = null;
      const pending = [...this.pending.values()];
      this.pending.clear();
      for (const p of pending) {
        p.reject(new BrainError('BRAIN_VECTOR_INDEX_UNAVAILABLE', `Vector index worker stopped: ${err.message}`, { cause: err }));
      }
    };
    worker.on('error', (err) => {
      this.logger?.error({ err }, 'vector index worker failed; the next call starts a new one');
      fail(err);
    });
    worker.on('exit', (code) => fail(new Error(`exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }
}
