import { createHash } from 'node:crypto';
import type { Asset, AssetKind, Principal } from '@automovie/contracts';
import { AutomovieError } from '@automovie/contracts';
import { type TempDir, tempDir } from '@automovie/testing';
import { pino } from 'pino';
import { AuditLog } from '../src/audit.ts';
import { GenerationDb } from '../src/generation/db.ts';
import { type AnswerCall, type AssetSink, Gateway, type GatewayDeps } from '../src/generation/gateway.ts';
import {
  type MediaResult,
  type Provider,
  type ProviderCallContext,
  ProviderError,
  type ProviderFailure,
  type ProviderKind,
  type ProviderRequests,
  type ProviderResults,
  type TextRequest,
  type TextResult,
} from '../src/generation/provider.ts';
import { Router, type RouterOptions } from '../src/generation/router.ts';
import { EmbeddedGraphStore } from '../src/graph/embedded.ts';

export const silent = pino({ level: 'silent' });
export const svc: Principal = { kind: 'service', sub: 'test', service: 'test', scopes: ['*'] };

/** What a scripted provider does on one call. */
export type Step =
  | 'ok'
  | 'hang'
  | { fail: ProviderFailure; status?: number; retryAfterMs?: number; message?: string }
  | { text: string }
  | { throw: Error };

/**
 * A text provider that follows a script, one step per call (the last step repeats), and records
 * every call: what the router does is observable from outside.
 */
export class ScriptedTextProvider implements Provider<'text'> {
  readonly kind = 'text' as const;
  readonly name: string;
  readonly offline: boolean;
  readonly models: readonly string[];
  readonly defaultModel: string;
  readonly calls: Array<{ at: number; req: TextRequest; seed: number; model: string }> = [];
  script: Step[];
  priceUsd: number;
  latencyMs: number;

  constructor(
    name: string,
    script: Step[] = ['ok'],
    opts: { priceUsd?: number; offline?: boolean; models?: string[]; latencyMs?: number } = {},
  ) {
    this.name = name;
    this.script = script;
    this.priceUsd = opts.priceUsd ?? 0.01;
    this.offline = opts.offline ?? false;
    this.models = opts.models ?? [`${name}-model`];
    this.defaultModel = this.models[0] as string;
    this.latencyMs = opts.latencyMs ?? 0;
  }

  estimateCostUsd(): number {
    return this.priceUsd;
  }
  costUsd(): number {
    return this.priceUsd;
  }

  async run(req: TextRequest, ctx: ProviderCallContext): Promise<TextResult> {
    this.calls.push({ at: performance.now(), req, seed: ctx.seed, model: ctx.model });
    const step = this.script[Math.min(this.calls.length - 1, this.script.length - 1)] as Step;
    if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
    if (step === 'hang') return new Promise<never>(() => {});
    if (step === 'ok') {
      const last = req.messages[req.messages.length - 1]?.content ?? '';
      return { text: `${this.name} answers: ${last} (seed ${ctx.seed})`, inputTokens: 10, outputTokens: 5 };
    }
    if ('text' in step) return { text: step.text, inputTokens: 10, outputTokens: 5 };
    if ('throw' in step) throw step.throw;
    throw new ProviderError(this.name, step.fail, step.message ?? `HTTP ${step.status ?? 500} from ${this.name}`, {
      ...(step.status === undefined ? {} : { status: step.status }),
      ...(step.retryAfterMs === undefined ? {} : { retryAfterMs: step.retryAfterMs }),
    });
  }
}

/** An image provider drawing a deterministic "image" (bytes from the prompt and seed), for media paths. */
export class BytesImageProvider implements Provider<'image'> {
  readonly kind = 'image' as const;
  readonly name = 'bytes';
  readonly offline = true;
  readonly models = ['bytes-1'];
  readonly defaultModel = 'bytes-1';
  readonly #price: number;
  calls = 0;
  constructor(priceUsd = 0) {
    this.#price = priceUsd;
  }
  estimateCostUsd(): number {
    return this.#price;
  }
  costUsd(): number {
    return this.#price;
  }
  async run(req: ProviderRequests['image'], ctx: ProviderCallContext): Promise<MediaResult> {
    this.calls++;
    const refs = req.references.map((r) => createHash('sha256').update(r.bytes).digest('hex').slice(0, 8)).join(',');
    const bytes = new TextEncoder().encode(`IMG ${req.width}x${req.height} ${req.prompt} ${ctx.seed} ${refs}`);
    return { bytes, mime: 'image/png', width: req.width, height: req.height };
  }
}

/** Assets in memory, with the AssetService's rules that matter here (per-project ids by content, not-found errors). */
export class MemoryAssets implements AssetSink {
  readonly assets = new Map<string, { asset: Asset; bytes: Uint8Array }>();
  /** Where the Asset nodes go (the gateway links executions to them). */
  store: EmbeddedGraphStore | undefined;
  async save(input: Parameters<AssetSink['save']>[0]): Promise<Asset> {
    const sha256 = createHash('sha256').update(input.bytes).digest('hex');
    const id = `asset-${sha256.slice(0, 24)}`;
    const key = `${input.projectId}/${id}`;
    const existing = this.assets.get(key);
    if (existing) return existing.asset;
    const { bytes, ...meta } = input;
    const asset: Asset = {
      ...meta,
      kind: meta.kind as AssetKind,
      id,
      sha256,
      bytes: bytes.length,
      uri: `asset://${sha256}`,
      createdAt: new Date().toISOString(),
    };
    await this.store?.createNode(input.projectId, { id, label: 'Asset', properties: { kind: asset.kind, sha256 } });
    this.assets.set(key, { asset, bytes });
    return asset;
  }
  async get(projectId: string, assetId: string): Promise<Asset> {
    return (await this.load(projectId, assetId)).asset;
  }
  async load(projectId: string, assetId: string): Promise<{ asset: Asset; bytes: Uint8Array }> {
    const a = this.assets.get(`${projectId}/${assetId}`);
    if (!a) throw new AutomovieError('BRAIN_ASSET_NOT_FOUND', `No asset ${assetId} in project ${projectId}`, { status: 404 });
    return a;
  }
}

export interface GatewayFixture {
  gateway: Gateway;
  router: Router;
  store: EmbeddedGraphStore;
  db: GenerationDb;
  assets: MemoryAssets;
  audit: AuditLog;
  projectId: string;
  close(): Promise<void>;
}

/** A gateway over a real embedded graph (temp dir) and an in-memory metering db, with a project of `budgetUsd`. */
export async function gatewayFixture(
  chains: Partial<Record<ProviderKind, Provider[]>>,
  opts: { router?: Partial<RouterOptions>; budgetUsd?: number; gateway?: Partial<GatewayDeps> } = {},
): Promise<GatewayFixture> {
  const dir: TempDir = await tempDir('automovie-gen-');
  const store = EmbeddedGraphStore.open({ dataDir: dir.path });
  const project = await store.createProject({
    name: 'Gateway test',
    ...(opts.budgetUsd === undefined ? {} : { budgetUsd: opts.budgetUsd }),
  });
  const db = new GenerationDb(':memory:');
  const assets = new MemoryAssets();
  assets.store = store;
  const audit = new AuditLog(':memory:');
  const router = new Router(new Map(Object.entries(chains) as Array<[ProviderKind, Provider[]]>), {
    logger: silent,
    retryBaseMs: 5,
    random: () => 0.5,
    ...opts.router,
  });
  const gateway = new Gateway({ store, assets, db, router, logger: silent, audit, ...opts.gateway });
  return {
    gateway,
    router,
    store,
    db,
    assets,
    audit,
    projectId: project.id,
    async close() {
      db.close();
      audit.close();
      await store.close();
      await dir.remove();
    },
  };
}

/** A text call of the fixture's project. */
export function textCall(projectId: string, content: string, extra: Partial<AnswerCall<'text'>> = {}): AnswerCall<'text'> {
  return {
    kind: 'text',
    tool: 'generate_text',
    projectId,
    principal: svc,
    request: { messages: [{ role: 'user', content }] },
    inputs: { messages: [{ role: 'user', content }] },
    signal: new AbortController().signal,
    ...extra,
  };
}

export type { ProviderResults };

/** A vision provider that "describes" an image by its size and hash, for the describe_image path. */
export class HashVisionProvider implements Provider<'vision'> {
  readonly kind = 'vision' as const;
  readonly name = 'hash-vision';
  readonly offline = true;
  readonly models = ['hash-1'];
  readonly defaultModel = 'hash-1';
  calls = 0;
  estimateCostUsd(): number {
    return 0;
  }
  costUsd(): number {
    return 0;
  }
  async run(req: ProviderRequests['vision']): Promise<TextResult> {
    this.calls++;
    const sha = createHash('sha256').update(req.image.bytes).digest('hex').slice(0, 12);
    return {
      text: `An image of ${req.image.bytes.length} bytes (${sha})${req.question ? ` — asked: ${req.question}` : ''}`,
      inputTokens: 0,
      outputTokens: 0,
    };
  }
}
