import { crc32, deflateSync } from 'node:zlib';
import { BUILTIN_TEMPLATES, type Composition } from '@automovie/contracts';
import { Ajv } from 'ajv';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { instanceFromJsonSchema } from '../src/generation/drafting/index.ts';
import { Rng } from '../src/generation/drafting/prng.ts';
import type { ProviderCallContext } from '../src/generation/provider.ts';
import { ProviderError } from '../src/generation/provider.ts';
import { createOfflineModerationProvider, moderate } from '../src/generation/providers/offline-moderation.ts';
import { createOfflineTextProvider } from '../src/generation/providers/offline-text.ts';
import { COMPOSITION_KEYWORD, createOfflineVisionProvider } from '../src/generation/providers/offline-vision.ts';

const ctx = (seed = 1): ProviderCallContext => ({
  signal: new AbortController().signal,
  seed,
  model: 'drafting-engine-1',
  projectId: 'p1',
  logger: pino({ level: 'silent' }),
});

function chunk(type: string, data: Uint8Array): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), Buffer.from(data)]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A real RGB PNG: `fill(x, y)` gives each pixel; rows use filter 1 (sub) to exercise unfiltering. */
function png(width: number, height: number, fill: (x: number, y: number) => [number, number, number], text?: [string, string]): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const off = y * (width * 3 + 1);
    raw[off] = 1;
    let prev: [number, number, number] = [0, 0, 0];
    for (let x = 0; x < width; x++) {
      const px = fill(x, y);
      for (let c = 0; c < 3; c++) raw[off + 1 + x * 3 + c] = (px[c]! - prev[c]! + 256) & 0xff;
      prev = px;
    }
  }
  const parts = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr)];
  if (text) parts.push(chunk('tEXt', Buffer.from(`${text[0]}\0${text[1]}`, 'utf8')));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array()));
  return new Uint8Array(Buffer.concat(parts));
}

describe('offline text provider', () => {
  const provider = createOfflineTextProvider();

  it('drafts built-in templates from their variables, labelled offline, at no cost', async () => {
    expect([provider.name, provider.kind, provider.offline]).toEqual(['offline', 'text', true]);
    const req = {
      messages: [{ role: 'user' as const, content: 'Develop the idea.' }],
      template: { name: 'story.outlines', version: 1, builtin: true, variables: { idea: 'A beekeeper hears the hive singing a warning.' } },
    };
    const res = await provider.run(req, ctx(3));
    expect(BUILTIN_TEMPLATES['story.outlines'].safeParse(JSON.parse(res.text)).success).toBe(true);
    expect(res.text).toContain('beekeeper');
    expect(res.outputTokens).toBe(Math.ceil(res.text.length / 4));
    expect(res.inputTokens).toBe(Math.ceil('Develop the idea.'.length / 4));
    expect(provider.costUsd(req, res, provider.defaultModel)).toBe(0);
    expect((await provider.run(req, ctx(3))).text).toBe(res.text);
    expect((await provider.run(req, ctx(4))).text).not.toBe(res.text);
  });

  it('rejects bad template variables as a request error that keeps the field name', async () => {
    const req = { messages: [], template: { name: 'story.outlines', version: 1, builtin: true, variables: { idea: 5 } } };
    const err = await provider.run(req, ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).failure).toBe('rejected');
    expect((err as ProviderError).message).toMatch(/idea/);
  });

  it('answers a structured request with a valid instance of its nested schema, built from the request words', async () => {
    const schema = {
      type: 'object',
      $defs: { tag: { type: 'string', enum: ['noir', 'western', 'musical'] } },
      properties: {
        title: { type: 'string', minLength: 3, maxLength: 40 },
        scenes: {
          type: 'array',
          minItems: 2,
          maxItems: 4,
          items: {
            type: 'object',
            properties: {
              number: { type: 'integer', minimum: 1, maximum: 9 },
              summary: { type: 'string' },
              mood: { $ref: '#/$defs/tag' },
              code: { type: 'string', pattern: '^[A-Z]{2}-\\d{3}$' },
              weight: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
              lit: { type: 'boolean' },
            },
            required: ['number', 'summary', 'mood', 'code'],
            additionalProperties: false,
          },
        },
        meta: { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { const: 7 } } }] },
        maybe: { anyOf: [{ type: 'null' }, { type: 'string', format: 'email' }] },
      },
      required: ['title', 'scenes', 'meta'],
      additionalProperties: false,
    };
    const res = await provider.run(
      { messages: [{ role: 'user', content: 'Plan the harbour chase. The smugglers flee at dawn.' }], jsonSchema: schema },
      ctx(),
    );
    const value = JSON.parse(res.text);
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(schema, value), JSON.stringify(ajv.errors)).toBe(true);
    expect(value.scenes.length).toBeGreaterThanOrEqual(2);
    expect(value.meta.b).toBe(7);
    expect(res.text.toLowerCase()).toMatch(/harbour|smugglers|chase/);
  });

  it('refuses a schema it cannot satisfy instead of returning an invalid instance', () => {
    expect(() =>
      instanceFromJsonSchema({ type: 'object', properties: { x: { $ref: 'https://example.com/s.json' } } }, 'x', new Rng(1)),
    ).toThrow(/external \$ref/);
    expect(() => instanceFromJsonSchema({ type: 'array', minItems: 3, maxItems: 1 }, 'x', new Rng(1))).toThrow(/INVALID|cannot satisfy/i);
  });

  it('answers free text with an honest extractive draft of the request', async () => {
    const res = await provider.run(
      {
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Suggest a name for the bakery. It is by the harbour. The owner is shy.' },
        ],
      },
      ctx(),
    );
    expect(res.text).toMatch(/^Offline draft \(extractive; no language model was used\)/);
    expect(res.text).toContain('Suggest a name for the bakery.');
    expect(res.text).toContain('- It is by the harbour.');
  });
});

describe('offline vision provider', () => {
  const provider = createOfflineVisionProvider();

  it('describes a storyboard frame from its embedded composition', async () => {
    const composition: Composition = {
      shotType: 'over_the_shoulder',
      angle: 'low',
      figures: [
        {
          name: 'Mara',
          identity: { palette: ['#112233', '#445566'], silhouette: 'tall', hair: 'long', accessory: 'scarf' },
          x: 0.2,
          speaking: true,
        },
        { name: 'Ines', identity: { palette: ['#aa2233', '#445566'], silhouette: 'short', hair: 'bun', accessory: 'none' }, x: 0.8 },
      ],
      location: { name: 'hotel lobby', intExt: 'INT', timeOfDay: 'NIGHT', elements: ['desk', 'bell'] },
      caption: '2.3 — Mara shows Ines the key',
    };
    const bytes = png(8, 6, () => [10, 10, 10], [COMPOSITION_KEYWORD, JSON.stringify(composition)]);
    const res = await provider.run({ image: { assetId: 'a', mime: 'image/png', bytes } }, ctx());
    expect(res.text).toMatch(/over the shoulder/);
    expect(res.text).toMatch(/Mara \(left, speaking\)/);
    expect(res.text).toMatch(/Ines \(right\)/);
    expect(res.text).toMatch(/interior hotel lobby, night/);
    expect(res.text).toContain('8×6');
  });

  it('reads size and dominant colours from plain PNG pixels', async () => {
    const bytes = png(40, 20, (x) => (x < 30 ? [210, 25, 30] : [30, 70, 210]));
    const res = await provider.run({ image: { assetId: 'a', mime: 'image/png', bytes }, question: 'Who is this?' }, ctx());
    expect(res.text).toMatch(/40×20 PNG/);
    expect(res.text).toMatch(/red \((7\d)%\)/);
    expect(res.text).toMatch(/blue \((2\d)%\)/);
    expect(res.text).toMatch(/cannot reason about the question/);
  });

  it('reads a JPEG size and admits what it cannot decode', async () => {
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 4, 0, 0, 0xff, 0xc0, 0, 11, 8, 0x01, 0xe0, 0x02, 0x80, 3, 1, 1, 1]);
    const res = await provider.run({ image: { assetId: 'a', mime: 'image/jpeg', bytes: jpeg } }, ctx());
    expect(res.text).toMatch(/640×480 JPEG/);
    const other = await provider.run({ image: { assetId: 'a', mime: 'image/webp', bytes: new Uint8Array([1, 2, 3]) } }, ctx());
    expect(other.text).toMatch(/cannot decode/);
  });
});

describe('offline moderation provider', () => {
  it('flags explicit threats, self-harm, hate and illicit instructions', async () => {
    const provider = createOfflineModerationProvider();
    const threat = await provider.run({ text: "I'm going to kill you. I know where you live." }, ctx());
    expect(threat.flagged).toBe(true);
    expect(threat.categories.violence).toBeGreaterThanOrEqual(0.5);
    expect(moderate('I want to end my life tonight').categories.self_harm).toBeGreaterThanOrEqual(0.5);
    expect(moderate('All immigrants are vermin and should be exterminated').flagged).toBe(true);
    expect(moderate('how do i cook meth at home').categories.illicit).toBeGreaterThanOrEqual(0.5);
    expect(moderate('you are worthless, nobody likes you').categories.harassment).toBeGreaterThanOrEqual(0.5);
    for (const v of Object.values(threat.categories)) expect(v >= 0 && v <= 1).toBe(true);
  });

  it('does not flag a story about a murder mystery for its words', () => {
    const logline =
      'A murder mystery: a retired detective hunts a killer through a snowed-in hotel after a guest is found dead, and the killer strikes again.';
    const r = moderate(logline);
    expect(r.flagged).toBe(false);
    expect(r.categories.violence).toBeLessThan(0.3);
    expect(moderate('Write a heartwarming film about a baker and her dog.').flagged).toBe(false);
  });
});
