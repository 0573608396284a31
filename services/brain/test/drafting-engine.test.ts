import {
  BUILTIN_TEMPLATES,
  type CharacterBible,
  type ImagePrompts,
  type OutlineOption,
  type Screenplay,
  type ShotList,
  type StoryOutlines,
} from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { BUILTIN_TEMPLATE_DEFS, draftBuiltin, sceneSeconds, screenplaySeconds } from '../src/generation/drafting/index.ts';
import { IDEAS } from './drafting-ideas.ts';

interface Film {
  outlines: StoryOutlines;
  outline: OutlineOption;
  bible: CharacterBible;
  screenplay: Screenplay;
  shots: ShotList;
  prompts: ImagePrompts;
}

function film(idea: string, seed: number, targetDurationS = 60, option = 0): Film {
  const outlines = draftBuiltin('story.outlines', { idea, targetDurationS }, seed) as StoryOutlines;
  const outline = outlines.options[option % outlines.options.length]!;
  const bible = draftBuiltin('character.bible', { idea, outline }, seed) as CharacterBible;
  const screenplay = draftBuiltin('screenplay.scenes', { outline, characters: bible.characters, targetDurationS }, seed) as Screenplay;
  const shots = draftBuiltin('shots.plan', { scenes: screenplay.scenes, characters: bible.characters }, seed) as ShotList;
  const prompts = draftBuiltin(
    'image.prompts',
    { shots: shots.shots, scenes: screenplay.scenes, characters: bible.characters },
    seed,
  ) as ImagePrompts;
  return { outlines, outline, bible, screenplay, shots, prompts };
}

const SEEDS = [1, 42, 90210];
const films = IDEAS.flatMap((idea, i) =>
  SEEDS.map((seed) => ({ idea, seed, f: film(idea, seed, [30, 60, 120, 300][(i + seed) % 4]!, seed % 3) })),
);

function dialogue(s: Screenplay): Array<{ character: string; text: string }> {
  return s.scenes.flatMap((sc) => sc.elements.flatMap((e) => (e.type === 'dialogue' ? [{ character: e.character, text: e.text }] : [])));
}

describe('drafting engine: every built-in template', () => {
  it(`drafts ${IDEAS.length} ideas × ${SEEDS.length} seeds, every output valid against its template schema`, () => {
    expect(IDEAS.length).toBeGreaterThanOrEqual(30);
    for (const { idea, seed, f } of films) {
      const ctx = `${idea} (seed ${seed})`;
      expect(BUILTIN_TEMPLATES['story.outlines'].safeParse(f.outlines).success, ctx).toBe(true);
      expect(BUILTIN_TEMPLATES['character.bible'].safeParse(f.bible).success, ctx).toBe(true);
      expect(BUILTIN_TEMPLATES['screenplay.scenes'].safeParse(f.screenplay).success, ctx).toBe(true);
      expect(BUILTIN_TEMPLATES['shots.plan'].safeParse(f.shots).success, ctx).toBe(true);
      expect(BUILTIN_TEMPLATES['image.prompts'].safeParse(f.prompts).success, ctx).toBe(true);
      const refined = draftBuiltin('story.refine', { outline: f.outline, note: 'make it darker' }, seed);
      expect(BUILTIN_TEMPLATES['story.refine'].safeParse(refined).success, ctx).toBe(true);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const idea = IDEAS[0]!;
    expect(JSON.stringify(film(idea, 7))).toBe(JSON.stringify(film(idea, 7)));
    const a = film(idea, 7);
    const b = film(idea, 8);
    expect(JSON.stringify(a.outlines)).not.toBe(JSON.stringify(b.outlines));
    expect(JSON.stringify(dialogue(a.screenplay))).not.toBe(JSON.stringify(dialogue(b.screenplay)));
  });

  it('keeps the idea in the outlines: key words, names, different structures and titles', () => {
    const { outlines } = film(IDEAS[0]!, 3);
    const all = JSON.stringify(outlines).toLowerCase();
    for (const w of ['lighthouse', 'keeper', 'message', 'bottle', 'storm']) expect(all).toContain(w);
    expect(new Set(outlines.options.map((o) => o.structure)).size).toBe(3);
    expect(new Set(outlines.options.map((o) => o.title)).size).toBe(outlines.options.length);
    expect(new Set(outlines.options.map((o) => o.tone)).size).toBeGreaterThan(1);
    const mara = film(IDEAS[1]!, 3);
    expect(mara.outlines.options.every((o) => o.synopsis.includes('Mara') && o.logline.includes('sister'))).toBe(true);
    expect(mara.bible.characters.find((c) => c.role === 'protagonist')?.name).toBe('Mara');
    for (const { f } of films) for (const o of f.outlines.options) expect(o.beats.length).toBeGreaterThanOrEqual(3);
  });

  it('names beats after their structure and scales them with the running time', () => {
    const short = draftBuiltin('story.outlines', { idea: IDEAS[2], structure: 'save_the_cat', targetDurationS: 60 }, 1) as StoryOutlines;
    const feature = draftBuiltin(
      'story.outlines',
      { idea: IDEAS[2], structure: 'save_the_cat', targetDurationS: 5400 },
      1,
    ) as StoryOutlines;
    expect(short.options.every((o) => o.structure === 'save_the_cat')).toBe(true);
    expect(short.options[0]!.beats.map((b) => b.name)).toContain('Catalyst');
    expect(feature.options[0]!.beats).toHaveLength(15);
    expect(feature.options[0]!.beats[14]!.name).toBe('Final Image');
    const hero = draftBuiltin('story.outlines', { idea: IDEAS[4], structure: 'heros_journey', targetDurationS: 3600 }, 1) as StoryOutlines;
    expect(hero.options[0]!.beats.map((b) => b.name)).toContain('Refusal of the Call');
    expect(hero.options[0]!.beats).toHaveLength(12);
  });

  it('gives every character a distinct voice and a distinct, well-separated palette', () => {
    for (const { idea, seed, f } of films) {
      const cs = f.bible.characters;
      expect(
        cs.filter((c) => c.role === 'protagonist'),
        idea,
      ).toHaveLength(1);
      expect(new Set(cs.map((c) => c.voice.variant)).size, idea).toBe(cs.length);
      expect(new Set(cs.map((c) => c.name)).size).toBe(cs.length);
      for (let i = 0; i < cs.length; i++) {
        for (let j = i + 1; j < cs.length; j++) {
          const a = cs[i]!;
          const b = cs[j]!;
          expect(a.voice.pitch !== b.voice.pitch || a.voice.rate !== b.voice.rate, `${idea} ${seed}`).toBe(true);
          expect(a.identity.palette[0], `${idea} ${seed}`).not.toBe(b.identity.palette[0]);
          expect(hueDistance(a.identity.palette[0]!, b.identity.palette[0]!), `${idea} ${seed}`).toBeGreaterThanOrEqual(30);
          expect(JSON.stringify([a.identity.silhouette, a.identity.hair, a.identity.accessory])).not.toBe(
            JSON.stringify([b.identity.silhouette, b.identity.hair, b.identity.accessory]),
          );
        }
        const c = cs[i]!;
        if (c.voice.gender === 'female') expect(c.voice.variant).not.toMatch(/^m\d/);
        if (c.voice.gender === 'male') expect(c.voice.variant).not.toMatch(/^f\d/);
      }
      const names = new Set(cs.map((c) => c.name));
      for (const r of f.bible.relationships) expect(names.has(r.from) && names.has(r.to)).toBe(true);
    }
  });

  it('writes dialogue for the cast that differs between ideas', () => {
    const a = film(IDEAS[0]!, 5).screenplay;
    const b = film(IDEAS[6]!, 5).screenplay;
    const la = new Set(dialogue(a).map((d) => d.text));
    const lb = dialogue(b).map((d) => d.text);
    // Short reactions ("That's not possible.") may recur; the scenes themselves must not.
    expect(lb.filter((t) => la.has(t)).length / lb.length).toBeLessThanOrEqual(0.15);
    let specific = 0;
    let total = 0;
    for (const { f } of films) {
      const words = new Set(
        [
          ...f.bible.characters.flatMap((c) => c.name.toLowerCase().split(' ')),
          ...f.screenplay.scenes.flatMap((s) => s.location.toLowerCase().split(/[\s-]+/)),
        ].filter((w) => w.length > 2),
      );
      for (const o of JSON.stringify(f.outline)
        .toLowerCase()
        .match(/\bthe ([a-z]{4,})\b/g) ?? [])
        words.add(o.slice(4));
      for (const d of dialogue(f.screenplay)) {
        total++;
        if ((d.text.toLowerCase().match(/[a-z]+/g) ?? []).some((w) => words.has(w))) specific++;
      }
    }
    expect(specific / total).toBeGreaterThanOrEqual(0.6);
    for (const { f } of films) {
      const cues = new Set(f.bible.characters.flatMap((c) => [c.name.toUpperCase(), ...c.name.toUpperCase().split(' ')]));
      for (const d of dialogue(f.screenplay)) {
        expect(d.character).toBe(d.character.toUpperCase());
        expect(cues.has(d.character), d.character).toBe(true);
      }
      for (const sc of f.screenplay.scenes) {
        expect(sc.heading).toBe(`${sc.intExt}. ${sc.location} - ${sc.timeOfDay}`);
        expect(sc.elements.some((e) => e.type === 'dialogue')).toBe(true);
      }
    }
    expect(a.scenes[0]!.heading).toMatch(/LIGHTHOUSE/);
    expect(dialogue(a).some((d) => /message|bottle|lighthouse|storm/i.test(d.text))).toBe(true);
  });

  it('sizes the screenplay to the target duration (±25%) with ~one scene per 20 s', () => {
    for (const { idea, seed, f } of films) {
      const target = f.screenplay.scenes.length;
      const t = screenplaySeconds(f.screenplay.scenes);
      const wanted = [30, 60, 120, 300][(IDEAS.indexOf(idea) + seed) % 4]!;
      expect(Math.abs(t - wanted) / wanted, `${idea} ${seed}: ${t.toFixed(1)} s for ${wanted} s`).toBeLessThanOrEqual(0.25);
      expect(target).toBe(Math.max(1, Math.round(wanted / 20)));
    }
    const long = film(IDEAS[9]!, 1, 1200);
    expect(Math.abs(screenplaySeconds(long.screenplay.scenes) - 1200) / 1200).toBeLessThanOrEqual(0.25);
    expect(long.screenplay.scenes.length).toBe(60);
  });

  it('covers every dialogue element exactly once and sums shot durations to the scene estimate', () => {
    for (const { idea, f } of films) {
      for (const scene of f.screenplay.scenes) {
        const shots = f.shots.shots.filter((s) => s.sceneNumber === scene.number);
        expect(shots[0]!.type, idea).toMatch(/wide/);
        const covered = shots.flatMap((s) => s.elementIndexes);
        const dialogueIdx = scene.elements.flatMap((e, i) => (e.type === 'dialogue' ? [i] : []));
        expect([...covered].sort((x, y) => x - y)).toEqual(dialogueIdx);
        const sum = shots.reduce((acc, s) => acc + s.durationS, 0);
        expect(Math.abs(sum - sceneSeconds(scene)), `${idea} scene ${scene.number}`).toBeLessThanOrEqual(0.1 * shots.length + 0.01);
        for (const s of shots) {
          if (s.elementIndexes.length === 0) {
            expect(s.durationS).toBeGreaterThanOrEqual(2.5);
            expect(s.durationS).toBeLessThanOrEqual(4);
          }
        }
      }
    }
  });

  it('describes the characters in every image prompt with the bible wording', () => {
    for (const { f } of films) {
      expect(f.prompts.prompts).toHaveLength(f.shots.shots.length);
      for (const [i, shot] of f.shots.shots.entries()) {
        const p = f.prompts.prompts[i]!;
        expect([p.sceneNumber, p.order]).toEqual([shot.sceneNumber, shot.order]);
        for (const name of shot.characters) {
          const c = f.bible.characters.find((x) => x.name === name)!;
          expect(p.prompt).toContain(c.visualDescription.replace(/\.$/, ''));
        }
        const scene = f.screenplay.scenes.find((s) => s.number === shot.sceneNumber)!;
        expect(p.prompt).toContain(scene.timeOfDay.toLowerCase());
      }
    }
  });

  it('refines an outline the way the note asks', () => {
    const { outline } = film(IDEAS[1]!, 2, 600);
    const darker = draftBuiltin('story.refine', { outline, note: 'Make it darker' }, 1) as OutlineOption;
    expect(darker.tone).not.toBe(outline.tone);
    expect(darker.synopsis).toMatch(/darker/i);
    const shorter = draftBuiltin('story.refine', { outline, note: 'shorter please' }, 1) as OutlineOption;
    expect(shorter.beats.length).toBeLessThan(outline.beats.length);
    expect(shorter.beats.every((b, i) => b.order === i + 1)).toBe(true);
    const twist = draftBuiltin('story.refine', { outline, note: 'add a twist' }, 1) as OutlineOption;
    expect(twist.beats.some((b) => b.summary.includes('Twist:'))).toBe(true);
    const focus = draftBuiltin('story.refine', { outline, note: 'focus on the sister' }, 1) as OutlineOption;
    expect(focus.logline).not.toBe(outline.logline);
    expect(focus.synopsis).toMatch(/centres on/);
    const retitled = draftBuiltin('story.refine', { outline, note: 'Call it "The Cold Season"' }, 1) as OutlineOption;
    expect(retitled.title).toBe('The Cold Season');
    const odd = draftBuiltin('story.refine', { outline, note: 'more pigeons' }, 1) as OutlineOption;
    expect(JSON.stringify(odd)).not.toBe(JSON.stringify(outline));
  });

  it('refuses bad variables with INVALID_INPUT naming the variable and the rule', () => {
    const bad = (name: Parameters<typeof draftBuiltin>[0], vars: unknown) => {
      try {
        draftBuiltin(name, vars, 1);
      } catch (err) {
        return err as { code: string; message: string; data: { issues: Array<{ path: string; message: string }> } };
      }
      throw new Error('expected a throw');
    };
    const e1 = bad('story.outlines', { idea: 'x' });
    expect(e1.code).toBe('INVALID_INPUT');
    expect(e1.message).toMatch(/idea/);
    expect(e1.message).toMatch(/3/);
    const e2 = bad('screenplay.scenes', { outline: { title: 'T' }, characters: [], targetDurationS: 60 });
    expect(e2.code).toBe('INVALID_INPUT');
    expect(e2.message).toMatch(/outline\.logline/);
    expect(e2.data.issues.map((i) => i.path)).toContain('characters');
    expect(e2.data.issues.find((i) => i.path === 'characters')?.message).toMatch(/1/);
    const e3 = bad('shots.plan', { scenes: [{ number: 0 }], characters: [] });
    expect(e3.message).toMatch(/scenes\[0\]\.number/);
  });

  it('exports real prompts for the LLM path with the variables of each template', () => {
    for (const [name, def] of Object.entries(BUILTIN_TEMPLATE_DEFS)) {
      expect(def.body.length, name).toBeGreaterThan(200);
      expect(def.system.length).toBeGreaterThan(50);
      for (const v of def.variables) {
        expect(def.body, `${name} uses {{${v.name}}}`).toContain(`{{${v.name}}}`);
        expect(v.schema).toBeTypeOf('object');
      }
    }
    const outlines = BUILTIN_TEMPLATE_DEFS['story.outlines'].variables;
    expect(outlines.find((v) => v.name === 'idea')?.required).toBe(true);
    expect(outlines.find((v) => v.name === 'genre')?.required).toBe(false);
    expect(outlines.find((v) => v.name === 'idea')?.schema).toMatchObject({ type: 'string', minLength: 3 });
  });
});

function hueDistance(a: string, b: string): number {
  const hue = (hex: string) => {
    const [r, g, b2] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16) / 255) as [number, number, number];
    const max = Math.max(r, g, b2);
    const min = Math.min(r, g, b2);
    if (max === min) return 0;
    const d = max - min;
    const h = max === r ? ((g - b2) / d) % 6 : max === g ? (b2 - r) / d + 2 : (r - g) / d + 4;
    return (h * 60 + 360) % 360;
  };
  const d = Math.abs(hue(a) - hue(b));
  return Math.min(d, 360 - d);
}
