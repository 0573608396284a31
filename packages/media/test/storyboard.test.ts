import { CameraAngleSchema, CompositionSchema, ShotTypeSchema } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { COMPOSITION_TEXT_KEY, pngSize, readPngText, renderStoryboardFrame, renderSvgToPng, storyboardSvg } from '../src/index.ts';
import { assertWellFormed, composition, figureGroup, figureMarkup, JON, MARA } from './storyboard-helpers.ts';

const small = { width: 320, height: 180 };

describe('storyboardSvg', () => {
  it('draws one figure per composition figure, in every shot that frames people', () => {
    for (const shotType of ['extreme_wide', 'wide', 'full', 'medium', 'medium_close', 'two_shot', 'over_the_shoulder', 'pov'] as const) {
      const svg = storyboardSvg({ prompt: 'p', composition: composition({ shotType }), width: 1280, height: 720, seed: 1 });
      assertWellFormed(svg);
      expect(svg.match(/<g class="figure" /g)?.length, shotType).toBe(2);
    }
    const three = composition({ figures: [MARA, JON, { ...MARA, name: 'Ines' }] });
    expect(storyboardSvg({ prompt: 'p', composition: three, ...small, seed: 1 }).match(/<g class="figure" /g)?.length).toBe(3);
  });

  it('frames only the subject in an extreme close-up and nobody in an insert', () => {
    const ecu = storyboardSvg({
      prompt: 'p',
      composition: composition({ shotType: 'extreme_close_up', figures: [MARA, { ...JON, speaking: true }] }),
      ...small,
      seed: 1,
    });
    expect(ecu.match(/<g class="figure" /g)?.length).toBe(1);
    expect(ecu).toContain('data-name="Jon"');
    const insert = storyboardSvg({ prompt: 'the letter', composition: composition({ shotType: 'insert' }), ...small, seed: 1 });
    expect(insert).not.toContain('class="figure"');
  });

  it('draws each figure in its identity colours', () => {
    const svg = storyboardSvg({ prompt: 'p', composition: composition({ shotType: 'full' }), width: 1280, height: 720, seed: 3 });
    for (const f of [MARA, JON]) {
      const group = figureGroup(svg, f.name).toLowerCase();
      for (const colour of f.identity.palette) expect(group, `${f.name} ${colour}`).toContain(colour.toLowerCase());
    }
  });

  it('keeps the same markup for the same identity across shot types and frame sizes', () => {
    const bodies = (['wide', 'full', 'medium', 'medium_close', 'close_up', 'pov'] as const).map((shotType, i) =>
      figureMarkup(
        storyboardSvg({ prompt: 'p', composition: composition({ shotType }), width: 640 + i * 128, height: 360 + i * 72, seed: i }),
        'Mara',
      ),
    );
    for (const b of bodies) expect(b).toBe(bodies[0]);
    // and different identities look different
    const svg = storyboardSvg({ prompt: 'p', composition: composition(), ...small, seed: 1 });
    expect(figureMarkup(svg, 'Jon')).not.toBe(figureMarkup(svg, 'Mara'));
  });

  it('marks the speaking figure and respects facing', () => {
    const base = storyboardSvg({ prompt: 'p', composition: composition(), ...small, seed: 1 });
    const speaking = storyboardSvg({
      prompt: 'p',
      composition: composition({ figures: [{ ...MARA, speaking: true }, JON] }),
      ...small,
      seed: 1,
    });
    expect(figureMarkup(speaking, 'Mara')).not.toBe(figureMarkup(base, 'Mara'));
    expect(figureMarkup(speaking, 'Jon')).toBe(figureMarkup(base, 'Jon'));
    const left = storyboardSvg({ prompt: 'p', composition: composition({ figures: [{ ...MARA, facing: 'left' }] }), ...small, seed: 1 });
    expect(figureMarkup(left, 'Mara')).toMatch(/^<g transform="scale\(-1,1\)">/);
    const away = storyboardSvg({ prompt: 'p', composition: composition({ figures: [{ ...MARA, facing: 'away' }] }), ...small, seed: 1 });
    expect(figureMarkup(away, 'Mara')).not.toContain('#f7f3ee'); // no eyes from behind
  });

  it('renders every shot type and every angle, by day and night, inside and out', () => {
    const times = ['DAY', 'NIGHT', 'DAWN', 'DUSK'] as const;
    let i = 0;
    for (const shotType of ShotTypeSchema.options) {
      for (const angle of CameraAngleSchema.options) {
        const timeOfDay = times[i % times.length] as (typeof times)[number];
        const intExt = i % 2 ? 'EXT' : 'INT';
        const elements =
          intExt === 'EXT'
            ? ['tree', 'building', 'car', 'street', 'sea', 'mountain', 'lamp', 'unicorn']
            : ['window', 'bed', 'lamp', 'shelf', 'sofa', 'tv', 'piano'];
        const svg = storyboardSvg({
          prompt: 'p',
          composition: composition({ shotType, angle, location: { name: 'Set', intExt, timeOfDay, elements } }),
          ...small,
          seed: i++,
        });
        assertWellFormed(svg);
        const png = renderSvgToPng(svg);
        expect(pngSize(png)).toEqual({ width: 320, height: 180 });
      }
    }
  });

  it('labels the shot and angle, tilts dutch frames and draws movement arrows', () => {
    const svg = storyboardSvg({
      prompt: 'p',
      composition: composition({ shotType: 'close_up', angle: 'dutch', movement: 'push_in' }),
      ...small,
      seed: 2,
    });
    expect(svg).toContain('CU · DUTCH · PUSH IN');
    expect(svg).toMatch(/rotate\(-?(8|9|10|11|12)(\.\d+)?\)/);
    expect(svg).toContain('class="movement"');
    for (const movement of ['pull_out', 'pan_left', 'pan_right', 'tilt_up', 'tilt_down', 'tracking'] as const)
      expect(storyboardSvg({ prompt: 'p', composition: composition({ movement }), ...small, seed: 2 })).toContain('class="movement"');
    expect(storyboardSvg({ prompt: 'p', composition: composition({ movement: 'static' }), ...small, seed: 2 })).not.toContain(
      'class="movement"',
    );
  });

  it('wraps the caption to two lines at most', () => {
    const caption = `4.1 — ${'Mara runs down the long corridor past every door, '.repeat(5)}`;
    const svg = storyboardSvg({ prompt: 'p', composition: composition({ caption }), width: 640, height: 360, seed: 1 });
    const tspans = svg.match(/<text class="caption"[^>]*>(.*?)<\/text>/)?.[1]?.match(/<tspan/g);
    expect(tspans?.length).toBe(2);
    expect(svg).toContain('…');
  });

  it('escapes text from prompts and names so nothing can inject markup', () => {
    const evil = `<script>alert(1)</script>&"' ]]> <!-- \u0001`;
    const svg = storyboardSvg({
      prompt: evil,
      composition: composition({
        caption: evil,
        figures: [{ ...MARA, name: '</text><script>x</script>' }],
        location: { name: evil.slice(0, 100), intExt: 'INT', timeOfDay: 'DAY', elements: [evil.slice(0, 60)] },
      }),
      ...small,
      seed: 1,
    });
    assertWellFormed(svg);
    expect(svg).not.toContain('<script');
    expect(svg).toContain('&lt;script&gt;');
    renderSvgToPng(svg);
    // Derived from the prompt alone, too.
    const derived = storyboardSvg({ prompt: `INT. <b>LAB</b> - NIGHT. Close-up of "Eve" & <i>Adam</i>`, ...small, seed: 1 });
    assertWellFormed(derived);
    expect(derived).not.toContain('<b>');
  });

  it('derives a composition from the prompt when none is given', () => {
    const svg = storyboardSvg({
      prompt: 'INT. KITCHEN - NIGHT. Close-up: Mara whispers to Jon by the window; a lamp on the table.',
      ...small,
      seed: 5,
    });
    assertWellFormed(svg);
    expect(svg).toContain('CU · EYE LEVEL');
    expect(svg).toContain('INT. KITCHEN — NIGHT');
    expect(svg).toContain('data-name="Mara"');
  });

  it('rejects bad input with the field named', () => {
    const bad = { ...composition(), shotType: 'very_close' } as unknown as ReturnType<typeof composition>;
    expect(() => storyboardSvg({ prompt: 'p', composition: bad, ...small, seed: 1 })).toThrow(/shotType/);
    expect(() => storyboardSvg({ prompt: 'p', width: 10, height: 180, seed: 1 })).toThrow(
      expect.objectContaining({ code: 'MEDIA_INVALID_INPUT' }),
    );
  });
});

describe('renderStoryboardFrame', () => {
  it('is deterministic, sized as asked and carries its composition in a tEXt chunk', async () => {
    const input = {
      prompt: 'Mara opens the letter — Zoë watches (東京)',
      composition: composition({ figures: [MARA, { ...JON, name: 'Zoë' }] }),
      width: 640,
      height: 360,
      seed: 42,
    };
    const [a, b] = await Promise.all([renderStoryboardFrame(input), renderStoryboardFrame(input)]);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(pngSize(a)).toEqual({ width: 640, height: 360 });
    const meta = JSON.parse(readPngText(a)[COMPOSITION_TEXT_KEY] as string);
    expect(meta.prompt).toBe(input.prompt);
    expect(meta.seed).toBe(42);
    expect(meta.composition).toEqual(CompositionSchema.parse(input.composition));
    const other = await renderStoryboardFrame({ ...input, composition: composition({ shotType: 'wide' }) });
    expect(Buffer.from(other).equals(Buffer.from(a))).toBe(false);
  });

  it('stores the derived composition when only a prompt is given', async () => {
    const png = await renderStoryboardFrame({
      prompt: 'EXT. HARBOUR - DUSK. Wide shot, Ines walks along the sea past a lamp.',
      width: 320,
      height: 180,
      seed: 1,
    });
    const meta = JSON.parse(readPngText(png)[COMPOSITION_TEXT_KEY] as string);
    expect(meta.composition).toMatchObject({ shotType: 'wide', location: { intExt: 'EXT', timeOfDay: 'DUSK' } });
    expect(meta.composition.location.elements).toEqual(expect.arrayContaining(['sea', 'lamp']));
    expect(meta.composition.figures.map((f: { name: string }) => f.name)).toEqual(['Ines']);
  });
});
