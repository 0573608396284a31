import type { Asset, AssetKind, GenerationKind, Principal, Properties, Timing } from '@automovie/contracts';
import { isAutomovieError } from '@automovie/contracts';
import type { EventPublisher } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { SaveAssetInput } from '../assets/service.ts';
import type { AuditLog } from '../audit.ts';
import { BrainError } from '../errors.ts';
import { newId } from '../graph/ids.ts';
import type { GraphStore } from '../graph/store.ts';
import { canonicalJson, seedOf, sha256Hex } from './canonical.ts';
import type { GenerationDb } from './db.ts';
import { costWithPrice, estimateWithPrice, type PriceTable, roundUsd } from './prices.ts';
import type { MediaResult, ProviderKind, ProviderRequests, ProviderResults } from './provider.ts';
import type { Candidate, FailureReport, Router } from './router.ts';

export type AnswerKind = 'text' | 'vision' | 'moderation';
export type MediaKind = 'image' | 'video' | 'speech' | 'music' | 'sfx' | 'model3d';

/** The Asset kind each media kind is stored as. */
export const ASSET_KIND_OF: Record<MediaKind, AssetKind> = {
  image: 'image',
  video: 'video',
  speech: 'audio',
  music: 'audio',
  sfx: 'audio',
  model3d: 'model3d',
};

/** What the gateway needs of the asset store (AssetService satisfies it). */
export interface AssetSink {
  save(input: SaveAssetInput): Promise<Asset>;
  get(projectId: string, assetId: string): Promise<Asset>;
  load(projectId: string, assetId: string): Promise<{ asset: Asset; bytes: Uint8Array }>;
}

export interface GatewayDeps {
  store: GraphStore;
  assets: AssetSink;
  db: GenerationDb;
  router: Router;
  logger: Logger;
  audit?: AuditLog;
  events?: EventPublisher;
  /** Price overrides by provider and model; a provider's own prices otherwise. Default {}. */
  prices?: PriceTable;
  /** The content-hash cache. Default true. */
  cache?: boolean;
}

/** One generation call, as a tool hands it to the gateway. */
export interface GenerationCall<K extends ProviderKind> {
  kind: K;
  tool: string;
  projectId: string;
  principal: Principal;
  request: ProviderRequests[K];
  /** What the PromptExecution records as the call's inputs (the tool input without projectId). */
  inputs: Record<string, unknown>;
  /** The caller's provider/model: forces that provider. */
  choice?: { provider?: string; model?: string };
  /** A template's routing: tried first, then the rest of the chain. */
  prefer?: { provider?: string; model?: string };
  seed?: number;
  template?: { name: string; version: number };
  /** Assets the output derives from (reference images, the start frame): DERIVED_FROM edges. */
  derivedFrom?: readonly string[];
  /** Recorded on the Asset (media). */
  prompt?: string;
  signal: AbortSignal;
  logger?: Logger;
  /** Progress for the caller (MCP progress notifications). */
  progress?: (message: string) => void;
}

export interface AnswerCall<K extends AnswerKind> extends GenerationCall<K> {
  /** Checks a fresh answer: a message means invalid (neither cached nor returned). */
  validate?: (result: ProviderResults[K]) => string | undefined;
  /** The request sent once after an invalid answer (the conversation with the validation error appended). */
  repair?: (request: ProviderRequests[K], result: ProviderResults[K], error: string) => ProviderRequests[K];
}

/** Per-call accounting (GenerationMeta of the contracts, plus attempts and the seed used). */
export interface Outcome {
  provider: string;
  model: string;
  cached: boolean;
  costUsd: number;
  latencyMs: number;
  executionId: string;
  attempts: number;
  seed: number;
}

export interface MediaOutcome extends Outcome {
  asset: Asset;
  durationS?: number;
  timings?: Timing[];
}

interface MediaPayload {
  projectId: string;
  assetId: string;
  durationS?: number;
  timings?: Timing[];
}

/** What a call has spent and tried so far, across a structured-output repair. */
interface CallState {
  attempts: number;
  costUsd: number;
  failures: FailureReport[];
  last?: Candidate<ProviderKind>;
  /** The value came from the cache. */
  hit: boolean;
}

/** Longest string kept in a recorded execution's inputs and output; the rest is cut (the call itself saw it whole). */
const RECORD_STRING_MAX = 4000;
const RECORD_OUTPUT_MAX = 64_000;
/** Inputs larger than this (after cutting strings) are recorded as a digest: a node holds at most 256 KiB. */
const RECORD_INPUTS_MAX = 128_000;

/**
 * The generation gateway: every AI call of the fleet. Around the router's chain it adds the
 * content-hash cache (an identical request to the same provider and model with the same seed is
 * answered from the store at no cost), per-project budget caps checked before each attempt,
 * metering, and one recorded execution per call (a usage row in generation.db, a PromptExecution
 * node, an audit entry and a domain event).
 */
export class Gateway {
  readonly #d: GatewayDeps;
  readonly #prices: PriceTable;
  /** Estimates of attempts in flight, per project: concurrent calls cannot jointly overrun a budget. */
  readonly #reserved = new Map<string, number>();
  /** Costs already incurred by calls not yet recorded. */
  readonly #pending = new Map<string, number>();
  /** Cache keys being generated: an identical concurrent request waits for the first instead of paying again. */
  readonly #inflight = new Map<string, Promise<void>>();

  constructor(deps: GatewayDeps) {
    this.#d = deps;
    this.#prices = deps.prices ?? {};
  }

  get router(): Router {
    return this.#d.router;
  }

  /** A text, vision or moderation call; with `validate`, an invalid answer is repaired once, then refused. */
  async answer<K extends AnswerKind>(call: AnswerCall<K>): Promise<Outcome & { result: ProviderResults[K] }> {
    return this.#execute(call, async (state, budget, seed) => {
      let request = call.request;
      for (let round = 0; ; round++) {
        let invalid: { result: ProviderResults[K]; error: string } | undefined;
        const routed = await this.#route(call, request, seed, budget, state, {
          restore: async (payload) => payload as ProviderResults[K],
          commit: async (result) => {
            const error = call.validate?.(result);
            if (error !== undefined) {
              invalid = { result, error };
              return undefined;
            }
            return { value: result, payload: result };
          },
        });
        if (routed !== undefined) return { value: routed.value, output: outputOf(call.kind, routed.value) };
        const bad = invalid as unknown as { result: ProviderResults[K]; error: string };
        if (round === 0 && call.repair) {
          (call.logger ?? this.#d.logger).info(
            { tool: call.tool, error: bad.error },
            'answer failed its schema; asking once more with the error',
          );
          request = call.repair(request, bad.result, bad.error);
          continue;
        }
        throw new BrainError(
          'BRAIN_OUTPUT_SCHEMA',
          `The answer did not match the output schema${round > 0 ? ', also after a retry with the validation error' : ''}: ${bad.error}`,
          {
            data: { error: bad.error, rounds: round + 1 },
          },
        );
      }
    });
  }

  /** An image, video, speech, music, sound-effect or 3D call: the output is stored as an Asset of the project. */
  async media<K extends MediaKind>(call: GenerationCall<K>): Promise<MediaOutcome> {
    const r = await this.#execute(call, async (state, budget, seed) => {
      const routed = await this.#route<K, MediaPayload & { asset: Asset; created: boolean }>(call, call.request, seed, budget, state, {
        restore: (payload) => this.#restoreAsset(call.projectId, payload as MediaPayload),
        commit: async (result, c, costUsd) => {
          const m = result as MediaResult;
          const before = new Date().toISOString();
          const asset = await this.#d.assets.save({
            projectId: call.projectId,
            kind: ASSET_KIND_OF[call.kind],
            mime: m.mime,
            bytes: m.bytes,
            provider: c.provider.name,
            model: c.model.slice(0, 200),
            ...(call.prompt ? { prompt: call.prompt.slice(0, 20_000) } : {}),
            seed,
            costUsd,
            ...(m.width === undefined ? {} : { width: m.width }),
            ...(m.height === undefined ? {} : { height: m.height }),
            ...(m.durationS === undefined ? {} : { durationS: m.durationS }),
          });
          const payload: MediaPayload = {
            projectId: call.projectId,
            assetId: asset.id,
            ...(m.durationS === undefined ? {} : { durationS: m.durationS }),
            ...(m.timings === undefined ? {} : { timings: m.timings }),
          };
          // The store answers an existing asset for content the project already has: that is not a new asset.
          return { value: { ...payload, asset, created: asset.createdAt >= before }, payload };
        },
      });
      if (routed === undefined) throw new Error('media results are never refused');
      const { asset, created } = routed.value;
      return { value: routed.value, output: { assetId: asset.id }, assetId: asset.id, ...(created ? { newAsset: asset } : {}) };
    });
    const { asset, durationS, timings } = r.result;
    return { ...r, asset, ...(durationS === undefined ? {} : { durationS }), ...(timings === undefined ? {} : { timings }) };
  }

  /** Budget, seed, recording and the failure report around one call. */
  async #execute<K extends ProviderKind, T>(
    call: GenerationCall<K>,
    body: (
      state: CallState,
      budgetUsd: number | undefined,
      seed: number,
    ) => Promise<{ value: T; output: unknown; assetId?: string; newAsset?: Asset }>,
  ): Promise<Outcome & { result: T }> {
    const started = performance.now();
    const executionId = `exec-${newId()}`;
    const project = await this.#d.store.getProject(call.projectId);
    const seed = call.seed ?? seedOf(sha256Hex(canonicalJson({ kind: call.kind, request: keyInputs(call.request) })));
    const state: CallState = { attempts: 0, costUsd: 0, failures: [], hit: false };
    let cached = false;
    try {
      const { value, output, assetId, newAsset } = await body(state, project.budgetUsd, seed);
      cached = state.hit;
      const last = state.last as Candidate<ProviderKind>;
      const outcome: Outcome = {
        provider: last.provider.name,
        model: last.model,
        cached,
        costUsd: roundUsd(state.costUsd),
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        executionId,
        attempts: state.attempts,
        seed,
      };
      await this.#record(call, outcome, {
        status: cached ? 'cached' : 'succeeded',
        output,
        ...(assetId ? { assetId } : {}),
        ...(newAsset ? { newAsset } : {}),
      });
      return { ...outcome, result: value };
    } catch (err) {
      const last = state.last;
      const error = isAutomovieError(err)
        ? err
        : new BrainError('BRAIN_PROVIDER_FAILED', `${call.kind} generation failed: ${err instanceof Error ? err.message : String(err)}`, {
            cause: err,
          });
      const outcome: Outcome = {
        provider: last?.provider.name ?? 'none',
        model: last?.model ?? 'none',
        cached: false,
        costUsd: roundUsd(state.costUsd),
        latencyMs: Math.round((performance.now() - started) * 100) / 100,
        executionId,
        attempts: state.attempts,
        seed,
      };
      await this.#record(call, outcome, { status: 'failed', error: { code: error.code, message: error.message } });
      if (isAutomovieError(err) && err.data !== undefined && typeof err.data === 'object' && err.data !== null) {
        Object.assign(err.data as object, { executionId });
      }
      throw error;
    }
  }

  /**
   * Tries the candidates in order. Per candidate: the cache (a hit ends the call at no cost), an
   * identical request in flight (waited for, then the cache again), then the provider through the
   * router with the budget checked before every attempt. `commit` turns a fresh result into the
   * value and the cache payload, or refuses it (undefined: nothing cached, the caller decides).
   */
  async #route<K extends ProviderKind, T>(
    call: GenerationCall<K>,
    request: ProviderRequests[K],
    seed: number,
    budgetUsd: number | undefined,
    state: CallState,
    io: {
      restore: (payload: unknown) => Promise<T | undefined>;
      commit: (result: ProviderResults[K], c: Candidate<K>, costUsd: number) => Promise<{ value: T; payload: unknown } | undefined>;
    },
  ): Promise<{ value: T } | undefined> {
    const { kind, projectId } = call;
    const logger = call.logger ?? this.#d.logger;
    const candidates = this.#d.router.candidates(kind, call.choice, call.prefer);
    const inputs = keyInputs(request);
    for (const c of candidates) {
      const key = sha256Hex(canonicalJson({ kind, provider: c.provider.name, model: c.model, inputs, seed }));
      if (this.#d.cache !== false) {
        // Loop: another identical call may start while this one looks the key up.
        for (;;) {
          const waiting = this.#inflight.get(key);
          if (waiting !== undefined) await waiting;
          const hit = await this.#lookup(key, io.restore, logger);
          if (hit !== undefined) {
            state.last = c as Candidate<ProviderKind>;
            state.hit = true;
            return { value: hit };
          }
          if (!this.#inflight.has(key)) break;
        }
      }
      let done: () => void = () => {};
      this.#inflight.set(key, new Promise<void>((resolve) => (done = resolve)));
      try {
        call.progress?.(`${kind}: ${c.provider.name} ${c.model}`);
        const estimate = this.#estimate(kind, c, request);
        const outcome = await this.#d.router.attempt(kind, c, request, {
          signal: call.signal,
          seed,
          projectId,
          logger,
          beforeAttempt: () => this.#reserve(projectId, budgetUsd, estimate, c),
        });
        state.attempts += outcome.attempts;
        state.last = c as Candidate<ProviderKind>;
        if (!outcome.ok) {
          state.failures.push(this.#d.router.report(c as Candidate<ProviderKind>, outcome.failure, outcome.attempts));
          continue;
        }
        const costUsd = roundUsd(this.#cost(kind, c, request, outcome.result));
        state.costUsd += costUsd;
        this.#pending.set(projectId, (this.#pending.get(projectId) ?? 0) + costUsd);
        state.hit = false;
        const committed = await io.commit(outcome.result, c, costUsd);
        if (committed === undefined) return undefined;
        if (this.#d.cache !== false) {
          this.#d.db.putCache({
            key,
            kind,
            provider: c.provider.name,
            model: c.model,
            payload: committed.payload,
            costUsd,
            createdAt: new Date().toISOString(),
          });
        }
        return { value: committed.value };
      } finally {
        this.#inflight.delete(key);
        done();
      }
    }
    const names = state.failures.map((f) => `${f.provider} (${f.failure}: ${f.message})`).join('; ');
    throw new BrainError('BRAIN_PROVIDER_FAILED', `Every ${kind} provider failed: ${names}`, { data: { kind, failures: state.failures } });
  }

  async #lookup<T>(key: string, restore: (payload: unknown) => Promise<T | undefined>, logger: Logger): Promise<T | undefined> {
    const entry = this.#d.db.getCache(key);
    if (entry === undefined) return undefined;
    const value = await restore(entry.payload);
    if (value === undefined) {
      logger.info({ key }, 'cache entry refers to an asset that is gone; generating again');
      this.#d.db.deleteCache(key);
    }
    return value;
  }

  /** The cached asset in this project: the same one, or a copy of another project's (same bytes, no cost). */
  async #restoreAsset(projectId: string, p: MediaPayload): Promise<(MediaPayload & { asset: Asset; created: boolean }) | undefined> {
    try {
      if (p.projectId === projectId) return { ...p, asset: await this.#d.assets.get(projectId, p.assetId), created: false };
      const { asset, bytes } = await this.#d.assets.load(p.projectId, p.assetId);
      const before = new Date().toISOString();
      const copy = await this.#d.assets.save({
        projectId,
        kind: asset.kind,
        mime: asset.mime,
        bytes,
        provider: asset.provider,
        ...(asset.model === undefined ? {} : { model: asset.model }),
        ...(asset.prompt === undefined ? {} : { prompt: asset.prompt }),
        ...(asset.seed === undefined ? {} : { seed: asset.seed }),
        costUsd: 0,
        ...(asset.width === undefined ? {} : { width: asset.width }),
        ...(asset.height === undefined ? {} : { height: asset.height }),
        ...(asset.durationS === undefined ? {} : { durationS: asset.durationS }),
      });
      return { ...p, projectId, assetId: copy.id, asset: copy, created: copy.createdAt >= before };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === 'BRAIN_ASSET_NOT_FOUND' || code === 'BRAIN_ASSET_BLOB_MISSING' || code === 'BRAIN_PROJECT_NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Reserves an attempt's estimate against the project's budget, or refuses it before anything is spent. */
  #reserve(projectId: string, budgetUsd: number | undefined, estimate: number, c: Candidate<ProviderKind>): () => void {
    if (budgetUsd === undefined || estimate <= 0) return () => {};
    const spent = this.#d.db.spentUsd(projectId) + (this.#pending.get(projectId) ?? 0);
    const reserved = this.#reserved.get(projectId) ?? 0;
    if (spent + reserved + estimate > budgetUsd + 1e-9) {
      const usd = (n: number) => `$${n.toFixed(4)}`;
      throw new BrainError(
        'BRAIN_BUDGET_EXCEEDED',
        `Budget exceeded: project ${projectId} has spent ${usd(spent)}${reserved > 0 ? ` (and ${usd(reserved)} is in flight)` : ''} of its ${usd(budgetUsd)} budgetUsd; this call to ${c.provider.name} ${c.model} is estimated at ${usd(estimate)}. Raise budgetUsd or choose a cheaper provider (provider: "offline" costs nothing).`,
        {
          data: {
            projectId,
            budgetUsd,
            spentUsd: roundUsd(spent),
            inFlightUsd: roundUsd(reserved),
            estimateUsd: roundUsd(estimate),
            provider: c.provider.name,
            model: c.model,
          },
        },
      );
    }
    this.#reserved.set(projectId, reserved + estimate);
    return () => this.#reserved.set(projectId, (this.#reserved.get(projectId) ?? estimate) - estimate);
  }

  #estimate<K extends ProviderKind>(kind: K, c: Candidate<K>, req: ProviderRequests[K]): number {
    const price = this.#prices[c.provider.name]?.[c.model];
    return price ? estimateWithPrice(kind, req, price) : c.provider.estimateCostUsd(req, c.model);
  }

  #cost<K extends ProviderKind>(kind: K, c: Candidate<K>, req: ProviderRequests[K], result: ProviderResults[K]): number {
    const price = this.#prices[c.provider.name]?.[c.model];
    return Math.max(0, price ? costWithPrice(kind, req, result, price) : c.provider.costUsd(req, result, c.model));
  }

  /** The usage row, the PromptExecution node (with its edges), the audit entry and the event of one call. */
  async #record(
    call: GenerationCall<ProviderKind>,
    o: Outcome,
    r: {
      status: 'succeeded' | 'failed' | 'cached';
      output?: unknown;
      assetId?: string;
      /** Set when this call stored content the project did not have. */
      newAsset?: Asset;
      error?: { code: string; message: string };
    },
  ): Promise<void> {
    const { projectId, kind, tool } = call;
    const logger = call.logger ?? this.#d.logger;
    const at = new Date().toISOString();
    try {
      this.#d.db.recordUsage({
        id: o.executionId,
        projectId,
        at,
        kind: kind as GenerationKind,
        tool,
        provider: o.provider,
        model: o.model,
        status: r.status,
        costUsd: o.costUsd,
        latencyMs: o.latencyMs,
        attempts: o.attempts,
        ...(call.template ? { template: call.template.name } : {}),
      });
    } finally {
      this.#pending.set(projectId, Math.max(0, (this.#pending.get(projectId) ?? 0) - o.costUsd));
    }
    try {
      await this.#d.store.createNode(projectId, {
        id: o.executionId,
        label: 'PromptExecution',
        properties: {
          kind,
          tool,
          ...(call.template ? { template: call.template.name, templateVersion: call.template.version } : {}),
          provider: o.provider,
          model: o.model,
          status: r.status,
          inputs: recordableInputs(call.inputs),
          ...(r.output === undefined ? {} : { output: clipOutput(r.output) }),
          ...(r.assetId ? { assetId: r.assetId } : {}),
          ...(r.error ? { error: r.error } : {}),
          latencyMs: o.latencyMs,
          costUsd: o.costUsd,
          attempts: o.attempts,
          seed: o.seed,
          at,
        } as unknown as Properties,
      });
      if (r.assetId) {
        await this.#d.store.createRelationship(projectId, { type: 'RENDERED_AS', from: o.executionId, to: r.assetId });
        for (const source of r.newAsset ? new Set(call.derivedFrom ?? []) : []) {
          if (source !== r.assetId)
            await this.#d.store.createRelationship(projectId, { type: 'DERIVED_FROM', from: r.assetId, to: source });
        }
      }
    } catch (err) {
      // The call is done (and maybe paid): a graph hiccup must not turn it into an error. The usage row above has it.
      logger.error({ err, executionId: o.executionId, projectId }, 'could not record the PromptExecution node');
    }
    const action = r.status === 'failed' ? 'generation.failed' : 'generation.completed';
    this.#d.audit?.append(call.principal, tool, action, projectId, o.executionId);
    const meta = { projectId, actor: call.principal.sub };
    if (r.status === 'failed') {
      await this.#d.events?.publish(
        action,
        { executionId: o.executionId, kind, tool, code: r.error?.code ?? 'INTERNAL', costUsd: o.costUsd },
        meta,
      );
      return;
    }
    const a = r.newAsset;
    if (a !== undefined) {
      this.#d.audit?.append(call.principal, tool, 'asset.created', projectId, a.id);
      await this.#d.events?.publish(
        'asset.created',
        { id: a.id, kind: a.kind, mime: a.mime, bytes: a.bytes, sha256: a.sha256, provider: a.provider },
        meta,
      );
    }
    await this.#d.events?.publish(
      action,
      {
        executionId: o.executionId,
        kind,
        tool,
        provider: o.provider,
        model: o.model,
        cached: o.cached,
        costUsd: o.costUsd,
        latencyMs: o.latencyMs,
        ...(r.assetId ? { assetId: r.assetId } : {}),
        ...(call.template ? { template: call.template.name } : {}),
      },
      meta,
    );
  }
}

/** The request as hashed for the cache and the seed: input files by content (sha256 and type), not by asset id. */
export function keyInputs(request: unknown): unknown {
  if (request === null || typeof request !== 'object') return request;
  if (request instanceof Uint8Array) return request;
  if (Array.isArray(request)) return request.map(keyInputs);
  const o = request as Record<string, unknown>;
  if (o.bytes instanceof Uint8Array && typeof o.assetId === 'string') return { mime: o.mime, sha256: sha256Hex(o.bytes) };
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, keyInputs(v)]));
}

function outputOf(kind: AnswerKind, value: unknown): unknown {
  if (kind === 'moderation') return value;
  return (value as { text: string }).text;
}

/** A JSON value with long strings cut, for recording. */
function clip(value: unknown, max: number): unknown {
  if (typeof value === 'string') return value.length > max ? `${value.slice(0, max)}… [${value.length - max} more characters]` : value;
  if (Array.isArray(value)) return value.map((v) => clip(v, max));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, clip(v, max)]),
    );
  }
  return value;
}

/** The inputs as recorded: long strings cut, and a digest instead when even that is too large for a node. */
function recordableInputs(inputs: Record<string, unknown>): unknown {
  const clipped = clip(inputs, RECORD_STRING_MAX);
  const json = canonicalJson(clipped);
  return json.length <= RECORD_INPUTS_MAX ? clipped : { truncated: true, chars: json.length, sha256: sha256Hex(canonicalJson(inputs)) };
}

function clipOutput(value: unknown): unknown {
  const json = JSON.stringify(value);
  if (json.length <= RECORD_OUTPUT_MAX) return value;
  return typeof value === 'string'
    ? clip(value, RECORD_OUTPUT_MAX)
    : { truncated: true, chars: json.length, start: json.slice(0, RECORD_OUTPUT_MAX) };
}
