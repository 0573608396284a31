import { TaskPayloads } from '@automovie/contracts';
import { planTimeline, TimelineSpecSchema } from '@automovie/media';
import { describe, expect, it } from 'vitest';
import { timelineSpec } from '../src/workers/render-video.ts';

const schema = TaskPayloads.render_video.payload;
const source = (assetId: string) => ({ path: `/work/${assetId}.png`, media: assetId.startsWith('v') ? 'video' : 'image' });

/** Whether the renderer takes the timeline a payload becomes (its schema, then its frame plan). */
function rendererTakes(payload: unknown): { ok: true } | { ok: false; why: string } {
  const p = schema.parse(payload);
  const spec = timelineSpec(p, source, '/work/out.mp4');
  const r = TimelineSpecSchema.safeParse(spec);
  if (!r.success) return { ok: false, why: r.error.message };
  try {
    planTimeline(spec.clips, spec.fps);
    return { ok: true };
  } catch (err) {
    return { ok: false, why: (err as Error).message };
  }
}

/** A small deterministic generator (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('every render_video payload the contract accepts, the renderer takes', () => {
  it('at the boundaries', () => {
    const clips = (n: number, o: Record<string, unknown>) =>
      Array.from({ length: n }, (_, i) => ({ key: `s${i}`, assetId: `a${i % 7}`, ...o }));
    const boundaries = [
      {
        width: 64,
        height: 64,
        fps: 60,
        clips: clips(300, { durationS: 0.1, movement: 'tracking', transition: 'dissolve', transitionS: 5 }),
      },
      { width: 64, height: 64, fps: 10, clips: clips(300, { durationS: 0.1, transition: 'fade', transitionS: 5 }) },
      { width: 64, height: 64, fps: 1, clips: clips(300, { durationS: 1, transition: 'fade', transitionS: 5 }) },
      { width: 3840, height: 2160, fps: 60, clips: clips(1, { assetId: 'v1', durationS: 320 }) },
      { width: 1280, height: 720, fps: 24, clips: clips(12, { durationS: 600 }), subtitlesSrt: '1\n00:00:00,000 --> 00:00:01,000\nA\n' },
    ];
    for (const b of boundaries) {
      expect(schema.safeParse(b).success).toBe(true);
      expect(rendererTakes(b)).toEqual({ ok: true });
    }
  });

  it('over 3,000 random payloads near the frame rules', () => {
    const rnd = random(20_240_611);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)] as T;
    let accepted = 0;
    for (let n = 0; n < 3000; n++) {
      const fps = pick([1, 2, 3, 5, 7, 9, 10, 12, 24, 25, 30, 60]);
      const count = 1 + Math.floor(rnd() * 40);
      const payload = {
        width: 2 * (32 + Math.floor(rnd() * 1888)),
        height: 2 * (32 + Math.floor(rnd() * 1048)),
        fps,
        clips: Array.from({ length: count }, (_, i) => ({
          key: `k${i}`,
          assetId: pick(['a1', 'a2', 'v1']),
          // Durations around a frame and a few frames, where rounding decides.
          durationS: Math.max(0.1, Math.round((rnd() * 3) / fps / 0.001) * 0.001),
          movement: pick(['static', 'push_in', 'tracking', 'pan_left'] as const),
          transition: pick(['cut', 'fade', 'dissolve'] as const),
          transitionS: Math.round(rnd() * 5 * 100) / 100,
        })),
      };
      if (!schema.safeParse(payload).success) continue;
      accepted++;
      const took = rendererTakes(payload);
      if (!took.ok) throw new Error(`the contract accepted a payload the renderer refuses (${took.why}): ${JSON.stringify(payload)}`);
    }
    // The generator must land on both sides of the rules for the check to mean anything.
    expect(accepted).toBeGreaterThan(300);
    expect(accepted).toBeLessThan(2900);
  });
});
