/**
 * Generation gateway benchmark: `node services/brain/bench/gen.bench.ts [--frames 12] [--calls 400] [--latency 5]`.
 *
 * 1. Offline storyboard frames (1280×720 PNG) per second, straight from the provider.
 * 2. Offline speech (espeak-ng with word timings): seconds of audio made per second of wall time.
 * 3. What the gateway adds to a provider call: a fixture text provider with a fixed latency, called
 *    directly and through the gateway (chain, deadline, breaker, budget check, cache lookup and
 *    write, the usage row, the PromptExecution node, the audit entry), sequentially and 16 in
 *    flight; and a cache hit. Target: under 2 ms of overhead per call.
 * Prints figures and ratios; no assertions.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Principal } from '@automovie/contracts';
import { pino } from 'pino';
import { LocalAssetBlobStore } from '../src/assets/blob-store.ts';
import { AssetService } from '../src/assets/service.ts';
import { AssetSigner } from '../src/assets/signing.ts';
import { AuditLog } from '../src/audit.ts';
import { EmbeddingService } from '../src/embeddings/service.ts';
import { GenerationDb } from '../src/generation/db.ts';
import { Gateway } from '../src/generation/gateway.ts';
import type { Provider, ProviderCallContext, TextRequest, TextResult } from '../src/generation/provider.ts';
import { createEspeakSpeechProvider, createOfflineStoryboardProvider } from '../src/generation/providers/offline-media.ts';
import { Router } from '../src/generation/router.ts';
import { EmbeddedGraphStore } from '../src/graph/embedded.ts';

const { values: opts } = parseArgs({
  options: {
    frames: { type: 'string', default: '12' },
    lines: { type: 'string', default: '8' },
    calls: { type: 'string', default: '400' },
    latency: { type: 'string', default: '5' },
  },
});
const FRAMES = Number(opts.frames);
const LINES = Number(opts.lines);
const CALLS = Number(opts.calls);
const LATENCY_MS = Number(opts.latency);

const logger = pino({ level: 'silent' });
const principal: Principal = { kind: 'service', sub: 'bench', service: 'bench', scopes: ['*'] };
const fmt = (n: number, d = 2) => n.toFixed(d);
const say = (line: string) => process.stdout.write(`${line}\n`);

function callCtx(seed: number): ProviderCallContext {
  return { signal: new AbortController().signal, seed, model: 'm', projectId: 'bench', logger };
}

/** A text provider that answers after a fixed delay: the provider's own time, identical on both paths. */
class FixedLatencyProvider implements Provider<'text'> {
  readonly kind = 'text' as const;
  readonly name = 'fixture';
  readonly offline = false;
  readonly models = ['fixture-1'];
  readonly defaultModel = 'fixture-1';
  estimateCostUsd(): number {
    return 0.0001;
  }
  costUsd(): number {
    return 0.0001;
  }
  async run(req: TextRequest, _ctx: ProviderCallContext): Promise<TextResult> {
    await new Promise((r) => setTimeout(r, LATENCY_MS));
    return { text: `answer to ${req.messages[0]?.content.length ?? 0} chars`, inputTokens: 20, outputTokens: 8 };
  }
}

async function frames(): Promise<void> {
  const p = createOfflineStoryboardProvider();
  const prompts = [
    'Wide shot: Mara at the lighthouse window at dusk',
    'Close-up: Tom laughs in the kitchen, morning',
    'Two-shot: Mara and Tom on the pier at night, rain',
    'Over the shoulder: the letter on the table, lamp light',
  ];
  await p.run({ prompt: prompts[0] as string, width: 1280, height: 720, references: [] }, callCtx(1));
  const start = performance.now();
  let bytes = 0;
  for (let i = 0; i < FRAMES; i++) {
    const r = await p.run({ prompt: prompts[i % prompts.length] as string, width: 1280, height: 720, references: [] }, callCtx(i + 2));
    bytes += r.bytes.length;
  }
  const s = (performance.now() - start) / 1000;
  say(
    `offline storyboard frames (1280×720 PNG): ${fmt(FRAMES / s)} frames/s  (${fmt((s / FRAMES) * 1000, 0)} ms a frame, ${fmt(bytes / FRAMES / 1024, 0)} KiB avg)`,
  );
}

async function speech(): Promise<void> {
  const p = createEspeakSpeechProvider();
  const lines = [
    'The light is still burning, and it will burn until the ships come home.',
    'You kept it lit for forty years. Nobody asked you to.',
    'Somebody had to. The sea does not care who is watching.',
    'Then let me watch with you tonight.',
  ];
  const voice = { gender: 'female' as const, pitch: 50, rate: 165, variant: 'f3' };
  await p.run({ text: 'Warm up.', voice }, callCtx(1));
  const start = performance.now();
  let audio = 0;
  let words = 0;
  for (let i = 0; i < LINES; i++) {
    const r = await p.run({ text: lines[i % lines.length] as string, voice: { ...voice, pitch: 40 + i } }, callCtx(i));
    audio += r.durationS ?? 0;
    words += r.timings?.length ?? 0;
  }
  const s = (performance.now() - start) / 1000;
  say(
    `offline speech (espeak-ng + word timings): ${fmt(audio / s)} s of speech per second  (${fmt(audio, 1)} s of audio, ${words} words timed, in ${fmt(s, 2)} s)`,
  );
}

async function overhead(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'automovie-gen-bench-'));
  const store = EmbeddedGraphStore.open({ dataDir: join(dir, 'graph') });
  const embeddings = new EmbeddingService({}, { logger });
  const assets = new AssetService({
    store,
    embeddings,
    blobs: new LocalAssetBlobStore(join(dir, 'assets')),
    signer: new AssetSigner('bench-secret-bench-secret-bench-secret-0123'),
    baseUrl: () => 'http://127.0.0.1',
    maxUploadBytes: 1024 ** 2,
    logger,
  });
  const db = new GenerationDb(join(dir, 'generation.db'));
  const audit = new AuditLog(join(dir, 'audit.db'));
  const provider = new FixedLatencyProvider();
  const router = new Router(new Map([['text', [provider]]]), { logger });
  const gateway = new Gateway({ store, assets, db, router, logger, audit });
  const projectId = (await store.createProject({ name: 'Bench', budgetUsd: 1_000_000 })).id;
  const req = (i: number): TextRequest => ({ messages: [{ role: 'user', content: `Logline ${i}: a keeper, a gull, a storm.` }] });
  const viaGateway = (i: number) =>
    gateway.answer({
      kind: 'text',
      tool: 'generate_text',
      projectId,
      principal,
      request: req(i),
      inputs: { messages: req(i).messages },
      signal: new AbortController().signal,
    });

  // Warm both paths (JIT, SQLite statements, the graph's first writes).
  for (let i = 0; i < 30; i++) {
    await provider.run(req(-i), callCtx(i));
    await viaGateway(-1000 - i);
  }

  const timeSeq = async (fn: (i: number) => Promise<unknown>, offset: number) => {
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) await fn(offset + i);
    return (performance.now() - start) / CALLS;
  };
  const timePar = async (fn: (i: number) => Promise<unknown>, offset: number, width = 16) => {
    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < CALLS) await fn(offset + next++);
      }),
    );
    return (performance.now() - start) / CALLS;
  };

  const direct = await timeSeq((i) => provider.run(req(i), callCtx(i)), 0);
  const gw = await timeSeq(viaGateway, 10_000);
  const directPar = await timePar((i) => provider.run(req(i), callCtx(i)), 20_000);
  const gwPar = await timePar(viaGateway, 30_000);
  const hit = await timeSeq((i) => viaGateway(10_000 + i), 0);

  say(`gateway overhead, fixture provider with ${LATENCY_MS} ms latency, ${CALLS} distinct calls:`);
  say(
    `  sequential: direct ${fmt(direct)} ms/call, through the gateway ${fmt(gw)} ms/call → overhead ${fmt(gw - direct)} ms/call (×${fmt(gw / direct)})`,
  );
  say(
    `  16 in flight: direct ${fmt(directPar)} ms/call, through the gateway ${fmt(gwPar)} ms/call → overhead ${fmt(gwPar - directPar)} ms/call of wall time (×${fmt(gwPar / directPar)})`,
  );
  say(`  cache hit (same requests again): ${fmt(hit)} ms/call, ${fmt(direct / hit, 1)}× faster than calling the provider`);
  say(`  target: overhead under 2 ms per call → ${gw - direct < 2 ? 'met' : 'NOT met'}`);

  db.close();
  audit.close();
  await store.close();
  await rm(dir, { recursive: true, force: true });
}

await frames();
await speech();
await overhead();
