/**
 * Embedding benchmark: `node services/brain/bench/embed.bench.ts [--rounds 7] [--ms 300]`.
 *
 * 1. The local embedder, one text at a time (`embedOne`), on prose of 50, 200 and 2,000 chars.
 * 2. The EmbeddingService in batches of 100: local without cache (validation, dedupe, copies),
 *    and cache hits (sha256 key + LRU lookup + copy) at 200 and 2,000 chars.
 * Figures are µs per text, the median of the rounds (best round in brackets). Target: ≤ 20 µs for
 * a 200-char text through the local embedder.
 */
import { parseArgs } from 'node:util';
import { embeddingCacheKey } from '../src/embeddings/cache.ts';
import { LocalEmbeddingProvider } from '../src/embeddings/local.ts';
import { EmbeddingService } from '../src/embeddings/service.ts';

const { values: opts } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, ms: { type: 'string', default: '300' } },
});
const ROUNDS = Number(opts.rounds);
const ROUND_MS = Number(opts.ms);

const SENTENCES = [
  "At dawn, Mara walks alone along the empty beach, carrying her father's old camera.",
  "INT. POLICE STATION - NIGHT. Detective Ruiz slams the case file on the desk and demands the suspect's alibi.",
  'A spaceship drifts silently past a dying red star while the crew sleeps in cryogenic pods.',
  "The wedding reception erupts into chaos when the groom's ex-girlfriend arrives with a cake.",
  'Two kids race their bicycles down a steep hill through the autumn leaves, laughing.',
  'The old king, sick and feverish, names his youngest daughter heir to the throne.',
  'Rain hammers the windshield as Leo drives through the flooded streets, the radio crackling.',
  'In the greenhouse, Professor Osei whispers to a carnivorous plant that seems to listen.',
  'The band plays one last song while the ferry pulls away from the burning pier.',
  'A lighthouse keeper finds a message in a bottle written in his own handwriting.',
];

/** `count` distinct texts of exactly `chars` characters, cut from shuffled prose. */
function texts(chars: number, count: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    let s = `${i} `;
    for (let j = 0; s.length < chars; j++) s += `${SENTENCES[(i * 7 + j * 3) % SENTENCES.length]} `;
    out.push(s.slice(0, chars));
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** µs per text of `run(n)` (which processes n texts), median and best of the rounds. */
async function measure(run: () => Promise<number> | number): Promise<{ median: number; best: number }> {
  const warmUntil = performance.now() + ROUND_MS;
  while (performance.now() < warmUntil) await run();
  const perText: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let done = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ROUND_MS) {
      done += await run();
      now = performance.now();
    }
    perText.push(((now - start) * 1000) / done);
  }
  return { median: median(perText), best: Math.min(...perText) };
}

const fmt = (label: string, r: { median: number; best: number }, extra = '') =>
  `${label.padEnd(46)} ${r.median.toFixed(2).padStart(8)} µs/text  [best ${r.best.toFixed(2)}]${extra}\n`;

const out = (line: string) => process.stdout.write(line);
out(`node ${process.version}, ${ROUNDS} rounds × ${ROUND_MS} ms\n\n`);

const local = new LocalEmbeddingProvider();
for (const chars of [50, 200, 2000]) {
  const corpus = texts(chars, 64);
  let i = 0;
  const r = await measure(() => {
    local.embedOne(corpus[i++ & 63]!);
    return 1;
  });
  const target = chars === 200 ? (r.median <= 20 ? '  PASS (≤ 20 µs)' : '  MISS (target ≤ 20 µs)') : '';
  out(fmt(`local embedOne, ${chars} chars`, r, target));
}
{
  const corpus = texts(200, 64);
  let i = 0;
  const r = await measure(() => {
    embeddingCacheKey('jina', 'm', 1024, '', corpus[i++ & 63]!);
    return 1;
  });
  out(fmt('sha256 cache key alone, 200 chars', r));
}

out('\nEmbeddingService, batches of 100 distinct texts\n');
for (const chars of [200, 2000]) {
  const batch = texts(chars, 100);
  const uncached = new EmbeddingService();
  out(fmt(`  local, no cache, ${chars} chars`, await measure(async () => (await uncached.embed(batch)).vectors.length)));
  const cached = new EmbeddingService({ cache: { local: true } });
  await cached.embed(batch);
  const hit = await cached.embed(batch);
  if (hit.cachedCount !== 100) throw new Error(`expected 100 cache hits, got ${hit.cachedCount}`);
  out(fmt(`  cache hit (local, 256 dims), ${chars} chars`, await measure(async () => (await cached.embed(batch)).cachedCount)));
}
