import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFalProviders, type FalOptions } from '../src/generation/providers/fal.ts';
import { callContext, type FixtureServer, failure, fixtureFile, startFixtureServer } from './providers-fixture-server.ts';

const KEY = '3f2a9c1e-7b4d-4e8a-9f01-23456789abcd:0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const RID = '764cabcf-b745-4b3e-ae38-1200304cf45b';
const IMAGE = { prompt: 'Wide shot, rooftop at dusk, a courier at the parapet', width: 64, height: 36, references: [] };

describe('fal adapters via @fal-ai/client (queue submit, status, result, file download on loopback)', () => {
  let server: FixtureServer;
  beforeEach(async () => {
    server = await startFixtureServer();
  });
  afterEach(() => server.close());

  const fal = (opts: Partial<FalOptions> = {}) => createFalProviders({ apiKey: KEY, baseURL: server.origin, pollIntervalMs: 5, ...opts });
  const paths = () => server.requests.map((r) => `${r.method} ${r.path}`);

  it('text-to-image: submits to the queue, polls until COMPLETED, fetches the result and downloads the PNG', async () => {
    server.reply(
      { fixture: 'fal-submit-flux' },
      { fixture: 'fal-status-in-queue' },
      { fixture: 'fal-status-in-progress' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-flux-ok' },
      { fixture: 'fal-file-png' },
    );
    const [image] = fal();
    expect(image).toMatchObject({ kind: 'image', name: 'fal', offline: false, defaultModel: 'fal-ai/flux/dev' });
    const { ctx } = callContext({ model: 'fal-ai/flux/dev', seed: 1234 });
    const result = await image.run(IMAGE, ctx);

    expect(paths()).toEqual([
      'POST /fal-ai/flux/dev',
      `GET /fal-ai/flux/requests/${RID}/status?logs=0`,
      `GET /fal-ai/flux/requests/${RID}/status?logs=0`,
      `GET /fal-ai/flux/requests/${RID}/status?logs=0`,
      `GET /fal-ai/flux/requests/${RID}`,
      'GET /files/7dff3c2e/frame.png',
    ]);
    const submit = server.requests[0]!;
    expect(submit.headers.authorization).toBe(`Key ${KEY}`);
    expect(submit.body).toEqual({
      prompt: IMAGE.prompt,
      num_images: 1,
      seed: 1234,
      output_format: 'png',
      enable_safety_checker: true,
      image_size: { width: 64, height: 36 },
    });
    // The key goes to fal's API only, never to the file host.
    expect(server.requests[5]!.headers.authorization).toBeUndefined();
    expect(result.mime).toBe('image/png');
    expect(Buffer.from(result.bytes).equals(fixtureFile('media/frame.png'))).toBe(true);
    expect(result).toMatchObject({ width: 64, height: 36 });
    // $0.025 per (started) megapixel.
    expect(image.costUsd(IMAGE, result, 'fal-ai/flux/dev')).toBeCloseTo(0.025, 10);
    expect(image.estimateCostUsd({ ...IMAGE, width: 1920, height: 1080 }, 'fal-ai/flux/dev')).toBeCloseTo(0.05, 10);
    expect(image.estimateCostUsd({ ...IMAGE, width: 2048, height: 1152 }, 'fal-ai/flux/dev')).toBeCloseTo(0.075, 10);
  });

  it('image-to-image: references go inline as data URIs to the image-to-image model', async () => {
    server.reply(
      { fixture: 'fal-submit-flux-pro' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-kontext-ok' },
      { fixture: 'fal-file-png' },
    );
    const [image] = fal();
    const png = new Uint8Array(fixtureFile('media/frame.png'));
    const req = { ...IMAGE, width: 1280, height: 720, references: [{ assetId: 'a_mara', mime: 'image/png', bytes: png }] };
    const { ctx } = callContext({ model: 'fal-ai/flux/dev' });
    const result = await image.run(req, ctx);
    expect(paths()[0]).toBe('POST /fal-ai/flux-pro/kontext/multi');
    expect(paths()[1]).toBe(`GET /fal-ai/flux-pro/requests/${RID}/status?logs=0`);
    const uri = `data:image/png;base64,${Buffer.from(png).toString('base64')}`;
    expect(server.requests[0]!.body).toMatchObject({ image_urls: [uri], image_url: uri, aspect_ratio: '16:9' });
    expect(result.mime).toBe('image/png');
    expect(image.costUsd(req, result, 'fal-ai/flux/dev')).toBe(0.04);
  });

  it('image-to-video: the start frame as image_url, Kling duration, the MP4 downloaded and checked', async () => {
    server.reply(
      { fixture: 'fal-submit-kling' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-kling-ok' },
      { fixture: 'fal-file-mp4' },
    );
    const [, video] = fal();
    const png = new Uint8Array(fixtureFile('media/frame.png'));
    const req = {
      prompt: 'Leo turns from the edge',
      image: { assetId: 'a_f', mime: 'image/png', bytes: png },
      durationS: 4,
      movement: 'push_in',
      width: 1280,
      height: 720,
      fps: 24,
    };
    const { ctx } = callContext({ model: video.defaultModel });
    const result = await video.run(req, ctx);
    expect(paths()[0]).toBe('POST /fal-ai/kling-video/v1.6/standard/image-to-video');
    expect(paths()[2]).toBe(`GET /fal-ai/kling-video/requests/${RID}`);
    expect(server.requests[0]!.body).toEqual({
      prompt: 'Leo turns from the edge Camera: push in.',
      duration: '5',
      image_url: `data:image/png;base64,${Buffer.from(png).toString('base64')}`,
    });
    expect(result).toMatchObject({ mime: 'video/mp4', durationS: 5 });
    expect(Buffer.from(result.bytes).equals(fixtureFile('media/clip.mp4'))).toBe(true);
    expect(video.costUsd(req, result, video.defaultModel)).toBeCloseTo(0.225, 10);
  });

  it('text-to-video when there is no start frame', async () => {
    server.reply(
      { fixture: 'fal-submit-kling' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-kling-ok' },
      { fixture: 'fal-file-mp4' },
    );
    const [, video] = fal();
    const { ctx } = callContext({ model: video.defaultModel });
    await video.run({ prompt: 'Rain on a tin roof', durationS: 9, movement: 'static', width: 1080, height: 1920, fps: 24 }, ctx);
    expect(paths()[0]).toBe('POST /fal-ai/kling-video/v1.6/standard/text-to-video');
    expect(server.requests[0]!.body).toEqual({ prompt: 'Rain on a tin roof Camera: locked off.', duration: '10', aspect_ratio: '9:16' });
  });

  it('3D from text: a concept image first, then Trellis on its URL; the GLB is downloaded and checked', async () => {
    server.reply(
      { fixture: 'fal-submit-flux' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-flux-ok' },
      { fixture: 'fal-submit-trellis' },
      { fixture: 'fal-status-in-progress' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-trellis-ok' },
      { fixture: 'fal-file-glb' },
    );
    const [, , model3d] = fal();
    const req = { description: 'A cluttered rooftop with a water tower', elements: [{ name: 'water tower', shape: 'cylinder' as const }] };
    const { ctx } = callContext({ model: 'fal-ai/trellis', seed: 9 });
    const result = await model3d.run(req, ctx);
    expect(paths()).toEqual([
      'POST /fal-ai/flux/dev',
      `GET /fal-ai/flux/requests/${RID}/status?logs=0`,
      `GET /fal-ai/flux/requests/${RID}`,
      'POST /fal-ai/trellis',
      `GET /fal-ai/trellis/requests/${RID}/status?logs=0`,
      `GET /fal-ai/trellis/requests/${RID}/status?logs=0`,
      `GET /fal-ai/trellis/requests/${RID}`,
      'GET /files/trellis/model.glb',
    ]);
    expect(String(server.requests[0]!.body.prompt)).toContain('Contains: water tower.');
    const conceptUrl = `${server.origin}/files/7dff3c2e/frame.png`;
    expect(server.requests[3]!.body).toEqual({ image_url: conceptUrl, input_image_url: conceptUrl, seed: 9 });
    expect(result.mime).toBe('model/gltf-binary');
    expect(Buffer.from(result.bytes).equals(fixtureFile('media/model.glb'))).toBe(true);
    expect(model3d.costUsd(req, result, 'fal-ai/trellis')).toBeCloseTo(0.02 + 0.025, 10);
  });

  it('maps a 429 with Retry-After to rate_limited, with no retry by the SDK', async () => {
    server.reply({ fixture: 'fal-429' }, { fixture: 'fal-429' }, { fixture: 'fal-429' }, { fixture: 'fal-429' });
    const [image] = fal();
    const { ctx } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ provider: 'fal', failure: 'rate_limited', status: 429, retryAfterMs: 2000 });
    expect(err.message).toContain('too many concurrent requests');
  });

  it.each([
    ['fal-500', 500],
    ['fal-502-html', 502],
    ['fal-503', 503],
  ])('maps %s on submit to unavailable after one attempt', async (fixture, status) => {
    server.reply({ fixture }, { fixture }, { fixture }, { fixture });
    const [image] = fal();
    const { ctx } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(server.requests).toHaveLength(1);
    expect(err).toMatchObject({ failure: 'unavailable', status });
  });

  it('maps a 500 while polling to unavailable (the SDK would retry status polls five times)', async () => {
    server.reply({ fixture: 'fal-submit-flux' }, { fixture: 'fal-500' }, { fixture: 'fal-500' });
    const [image] = fal();
    const { ctx } = callContext();
    expect(await failure(() => image.run(IMAGE, ctx))).toMatchObject({ failure: 'unavailable', status: 500 });
    expect(server.requests).toHaveLength(2);
  });

  it('maps a dropped connection to unavailable without an SDK retry', async () => {
    server.reply({ destroy: true }, { destroy: true });
    const [image] = fal();
    const { ctx } = callContext();
    expect(await failure(() => image.run(IMAGE, ctx))).toMatchObject({ failure: 'unavailable' });
    expect(server.requests).toHaveLength(1);
  });

  it('times out when the gateway aborts a hanging call, and cancels the queued request', async () => {
    server.reply({ fixture: 'fal-submit-flux' }, { hang: true }, { fixture: 'fal-status-completed' });
    const [image] = fal();
    const { ctx } = callContext({ timeoutMs: 150 });
    const started = performance.now();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(err).toMatchObject({ failure: 'timeout' });
    await new Promise((r) => setTimeout(r, 50));
    expect(paths()[2]).toBe(`PUT /fal-ai/flux/requests/${RID}/cancel`);
  });

  it('times out while waiting between polls too', async () => {
    server.reply({ fixture: 'fal-submit-flux' }, ...Array.from({ length: 50 }, () => ({ fixture: 'fal-status-in-queue' })));
    const [image] = fal({ pollIntervalMs: 40 });
    const { ctx } = callContext({ timeoutMs: 200 });
    expect(await failure(() => image.run(IMAGE, ctx))).toMatchObject({ failure: 'timeout' });
  });

  it.each([
    [['fal-malformed'], 'unreadable reply'],
    [['fal-submit-missing-id'], 'without a request_id'],
    [['fal-submit-flux', 'fal-status-unknown-shape'], 'has no "status"'],
    [['fal-submit-flux', 'fal-status-completed', 'fal-result-flux-no-images'], 'no "images[0].url"'],
    [['fal-submit-flux', 'fal-status-completed', 'fal-result-flux-ok', 'fal-file-html'], 'not an image'],
  ])('maps a malformed reply (%s) to bad_response', async (fixtures, reason) => {
    server.reply(...fixtures.map((fixture) => ({ fixture })));
    const [image] = fal();
    const { ctx } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect(err.message).toContain(reason);
  });

  it('maps an expired result file (404 from the CDN) to unavailable', async () => {
    server.reply(
      { fixture: 'fal-submit-flux' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-flux-ok' },
      { fixture: 'fal-file-404' },
    );
    const [image] = fal();
    const { ctx } = callContext();
    expect(await failure(() => image.run(IMAGE, ctx))).toMatchObject({ failure: 'unavailable', status: 404 });
  });

  it('maps a safety-checker blank to rejected', async () => {
    server.reply({ fixture: 'fal-submit-flux' }, { fixture: 'fal-status-completed' }, { fixture: 'fal-result-flux-nsfw' });
    const [image] = fal();
    const { ctx } = callContext();
    expect(await failure(() => image.run(IMAGE, ctx))).toMatchObject({ failure: 'rejected' });
  });

  it.each([
    ['fal-400', 'rejected', 400, 'Unsupported image format'],
    ['fal-422', 'rejected', 422, 'body.image_size: Input should be'],
    ['fal-401', 'auth', 401, 'No user found'],
  ])('maps %s to %s', async (fixture, kind, status, text) => {
    server.reply({ fixture });
    const [image] = fal();
    const { ctx } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(err).toMatchObject({ failure: kind, status, retryable: false });
    expect(err.message).toContain(text);
  });

  it('refuses to download a result file from a private address it was not configured with', async () => {
    server.reply({ fixture: 'fal-submit-flux' }, { fixture: 'fal-status-completed' }, { fixture: 'fal-result-flux-private-url' });
    const [image] = fal();
    const { ctx } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(err).toMatchObject({ failure: 'bad_response' });
    expect(err.message).toContain('refusing to download the result from http://169.254.169.254');
    expect(server.requests).toHaveLength(3);
  });

  it('keeps the key (and both its halves) out of every error, log line and result', async () => {
    server.reply(
      { fixture: 'fal-401' },
      { fixture: 'fal-submit-flux' },
      { fixture: 'fal-status-completed' },
      { fixture: 'fal-result-flux-ok' },
      { fixture: 'fal-file-png' },
    );
    const [image] = fal();
    const { ctx, logs } = callContext();
    const err = await failure(() => image.run(IMAGE, ctx));
    expect(err.message).toContain('[REDACTED]');
    const result = await image.run(IMAGE, ctx);
    expect(logs.lines().length).toBeGreaterThanOrEqual(2);
    const everything = [
      inspect(err, { depth: null, showHidden: true }),
      JSON.stringify(err),
      logs.text,
      JSON.stringify({ ...result, bytes: undefined }),
      inspect(image, { depth: 3 }),
    ].join('\n');
    for (const secret of [KEY, ...KEY.split(':')]) expect(everything).not.toContain(secret);
  });
});
