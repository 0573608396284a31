import { describe, expect, it } from 'vitest';
import { LOCAL_EMBEDDING_MODEL, LocalEmbeddingProvider } from '../src/embeddings/local.ts';
import { cosine } from '../src/embeddings/vector.ts';

const norm = (v: Float32Array) => Math.hypot(...v);

/** Each group: one film scene told three ways. Groups differ in subject but share a genre's vocabulary. */
const SCENES: string[][] = [
  [
    "At dawn, Mara walks alone along the empty beach, carrying her father's old camera.",
    "Early in the morning Mara strolls by herself down the deserted beach with her dad's old camera.",
    'Mara, alone on the empty beach at sunrise, holds the old camera that belonged to her father.',
  ],
  [
    "INT. POLICE STATION - NIGHT. Detective Ruiz slams the case file on the desk and demands the suspect's alibi.",
    "Night, inside the police station: Ruiz, the detective, throws the case file onto the desk and asks for the suspect's alibi.",
    'In the station at night, Detective Ruiz bangs the file down on his desk, insisting the suspect explain his alibi.',
  ],
  [
    'A spaceship drifts silently past a dying red star while the crew sleeps in cryogenic pods.',
    'The crew lies asleep in cryo pods as their spaceship silently drifts by a dying red star.',
    'Silent, the ship drifts past the red dying star; inside, the crew sleep in their cryogenic pods.',
  ],
  [
    "The wedding reception erupts into chaos when the groom's ex-girlfriend arrives with a cake.",
    "Chaos breaks out at the wedding reception as the groom's former girlfriend shows up carrying a cake.",
    'When the ex-girlfriend of the groom turns up with a cake, the wedding reception falls into chaos.',
  ],
  [
    'Two kids race their bicycles down a steep hill through the autumn leaves, laughing.',
    'Laughing, two children speed down the steep hill on their bikes through autumn leaves.',
    'The two kids ride bicycles fast down a steep autumn hill, laughing as the leaves fly.',
  ],
  [
    'The old king, sick and feverish, names his youngest daughter heir to the throne.',
    'Feverish and sick, the aging king declares his youngest daughter the heir to his throne.',
    'On his sickbed the old king chooses his youngest daughter as heir to the throne.',
  ],
];
const OFF_TOPIC = [
  'The quarterly budget report shows rising costs for cloud storage and network bandwidth.',
  'Preheat the oven to 180 degrees and whisk the eggs with sugar until pale and fluffy.',
  'The committee will vote on the new zoning regulations next Tuesday afternoon.',
  'Install the package with your system manager, then restart the service and check the logs.',
];

describe('local embedder', () => {
  const local = new LocalEmbeddingProvider();

  it('describes itself: local, a versioned model name, 256 dimensions by default', () => {
    expect(local.name).toBe('local');
    expect(local.model).toBe(LOCAL_EMBEDDING_MODEL);
    expect(local.dimension).toBe(256);
    expect(local.inputTypeSensitive).toBe(false);
  });

  it('returns one L2-normalised Float32Array of the configured dimension per text, in order', async () => {
    const texts = ['A storm hits the lighthouse.', 'x', '!!!', 'The keeper lights the lamp.'];
    const vectors = await local.embed(texts);
    expect(vectors).toHaveLength(4);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v).toHaveLength(256);
      expect(norm(v)).toBeCloseTo(1, 5);
    }
    expect(vectors[3]).toEqual(local.embedOne(texts[3]!));
    const small = await new LocalEmbeddingProvider({ dimension: 64 }).embed(['A storm hits the lighthouse.']);
    expect(small[0]).toHaveLength(64);
    expect(norm(small[0]!)).toBeCloseTo(1, 5);
  });

  it('is deterministic: identical text gives a bit-identical vector, across instances', () => {
    const text = 'EXT. DESERT HIGHWAY - DAY. A red convertible speeds toward the horizon.';
    const a = local.embedOne(text);
    local.embedOne('something else entirely, to dirty the scratch buffers');
    const b = new LocalEmbeddingProvider().embedOne(text);
    expect(Buffer.from(b.buffer)).toEqual(Buffer.from(a.buffer));
  });

  it('gives different texts different vectors, including punctuation-only ones', () => {
    expect(cosine(local.embedOne('the night train'), local.embedOne('the morning train'))).toBeLessThan(0.95);
    const a = local.embedOne('!!!');
    const b = local.embedOne('???');
    expect(norm(a)).toBeCloseTo(1, 5);
    expect(cosine(a, b)).toBeLessThan(0.5);
  });

  it('normalises text: case, punctuation, NFKC compatibility forms and apostrophes do not change the vector', () => {
    const base = local.embedOne('the final scene is filmed at night');
    expect(local.embedOne('THE FINAL SCENE, is filmed... at NIGHT!')).toEqual(base);
    // U+FB01 (ﬁ ligature) and full-width letters are NFKC-equivalent to plain ASCII.
    expect(local.embedOne('the ﬁnal scene is ﬁlmed at ｎｉｇｈｔ')).toEqual(base);
    expect(local.embedOne("don't stop")).toEqual(local.embedOne('dont stop'));
    expect(local.embedOne('don’t stop')).toEqual(local.embedOne('dont stop'));
    expect(local.embedOne('ÉTÉ À PARIS')).toEqual(local.embedOne('été à paris'));
  });

  it('scores paraphrases of a scene clearly above unrelated text', () => {
    const vectors = SCENES.map((group) => group.map((t) => local.embedOne(t)));
    const offTopic = OFF_TOPIC.map((t) => local.embedOne(t));
    const paraphrase: number[] = [];
    const unrelated: number[] = [];
    for (const g of vectors)
      for (let i = 0; i < g.length; i++) for (let j = i + 1; j < g.length; j++) paraphrase.push(cosine(g[i]!, g[j]!));
    for (let a = 0; a < vectors.length; a++) {
      for (let b = a + 1; b < vectors.length; b++) for (const x of vectors[a]!) for (const y of vectors[b]!) unrelated.push(cosine(x, y));
      for (const x of vectors[a]!) for (const o of offTopic) unrelated.push(cosine(x, o));
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    // Measured: paraphrases 0.41–0.80 (mean 0.62), unrelated ≤ 0.19 (mean 0.04).
    expect(Math.min(...paraphrase)).toBeGreaterThan(Math.max(...unrelated) + 0.1);
    expect(mean(paraphrase)).toBeGreaterThan(0.5);
    expect(mean(unrelated)).toBeLessThan(0.1);
  });

  it('keeps inflections and typos close through character n-grams (word features alone would not)', () => {
    const c = (a: string, b: string) => cosine(local.embedOne(a), local.embedOne(b));
    const unrelated = c('the detective interrogates the suspects', 'the orchestra rehearses the symphony');
    // Measured: 0.71 and 0.52 with n-grams; 0.01 and 0.21 with words only.
    expect(c('the detective interrogates the suspects', 'the detectives interrogated the suspect')).toBeGreaterThan(0.5);
    expect(c('Mara photographs the lighthouse at midnight', 'Mara fotographs the lighthuose at midnite')).toBeGreaterThan(0.4);
    expect(unrelated).toBeLessThan(0.1);
  });

  it('weights term frequency sublinearly: a word repeated a dozen times does not drown the rest', () => {
    // Measured: 0.88 with 1 + ln(tf); 0.77 with raw counts.
    expect(cosine(local.embedOne('storm over the harbour'), local.embedOne(`${'storm '.repeat(12)}over the harbour`))).toBeGreaterThan(
      0.83,
    );
  });

  it('finds the right scene for a query among all scenes (nearest neighbour)', () => {
    const corpus = SCENES.map((g) => g[0]!);
    const corpusVectors = corpus.map((t) => local.embedOne(t));
    SCENES.forEach((group, want) => {
      for (const query of group.slice(1)) {
        const q = local.embedOne(query);
        const scores = corpusVectors.map((v) => cosine(q, v));
        expect(scores.indexOf(Math.max(...scores)), query).toBe(want);
      }
    });
  });

  it('rejects a dimension outside 8..4096 or not an integer, with INVALID_CONFIG', () => {
    for (const dimension of [4, 5000, 12.5]) {
      expect(() => new LocalEmbeddingProvider({ dimension })).toThrow(expect.objectContaining({ code: 'INVALID_CONFIG' }));
    }
  });

  it('yields to the event loop during big batches, reports batches as it goes, and stops when aborted', async () => {
    const provider = new LocalEmbeddingProvider({ yieldEveryChars: 50_000 });
    const big = Array.from({ length: 12 }, (_, i) => `scene ${i} `.repeat(2_500)); // ~22k chars each
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const offsets: number[] = [];
    try {
      const out = await provider.embed(big, { onBatch: (offset, vectors) => offsets.push(offset, vectors.length) });
      expect(out).toHaveLength(12);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
    // [offset, count] pairs covering all 12 texts in order.
    expect(offsets[0]).toBe(0);
    let covered = 0;
    for (let i = 0; i < offsets.length; i += 2) {
      expect(offsets[i]).toBe(covered);
      covered += offsets[i + 1]!;
    }
    expect(covered).toBe(12);

    const controller = new AbortController();
    const pending = provider.embed(big, { signal: controller.signal });
    controller.abort(new Error('caller went away'));
    await expect(pending).rejects.toThrow('caller went away');
  });
});
