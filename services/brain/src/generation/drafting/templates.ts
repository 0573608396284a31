import { BUILTIN_TEMPLATE_VARIABLES, type BuiltinTemplateName, type TemplateVariable } from '@automovie/contracts';
import { z } from 'zod';

/**
 * The built-in prompt templates as a language model reads them. The offline drafting engine
 * produces the same output schemas from the same variables; these prompts are for the LLM path,
 * where `{{variable}}` is replaced by the value (objects JSON-encoded) and the answer is
 * constrained to the template's output JSON Schema.
 */

export interface BuiltinTemplateDef {
  description: string;
  system: string;
  body: string;
  variables: TemplateVariable[];
}

const DESCRIPTIONS: Record<BuiltinTemplateName, Record<string, string>> = {
  'story.outlines': {
    idea: "The user's idea, in their words.",
    structure: 'Story structure to use for every option; absent = vary it between options.',
    genre: 'Genre to write in; absent = infer from the idea.',
    targetDurationS: 'Intended running time of the film in seconds.',
    optionCount: 'How many outline options to return (2–3).',
  },
  'story.refine': { outline: 'The outline to revise.', note: "The writer's note: what to change." },
  'character.bible': {
    idea: "The user's original idea.",
    outline: 'The chosen outline.',
    maxCharacters: 'Upper bound on the number of characters.',
  },
  'screenplay.scenes': {
    outline: 'The chosen outline.',
    characters: 'The character bible: names to use as speakers.',
    targetDurationS: 'Intended running time in seconds (dialogue runs at about 2.5 words per second).',
  },
  'shots.plan': { scenes: 'The screenplay scenes to cover.', characters: 'The character bible.', style: 'Visual style of the film.' },
  'image.prompts': {
    shots: 'The shot list.',
    scenes: 'The screenplay scenes the shots belong to.',
    characters: 'The character bible, for consistent descriptions.',
    style: 'Visual style to apply to every prompt.',
  },
};

function variablesOf(name: BuiltinTemplateName): TemplateVariable[] {
  const schema = BUILTIN_TEMPLATE_VARIABLES[name] as z.ZodObject;
  return Object.entries(schema.shape).map(([key, field]) => {
    const f = field as z.ZodType;
    const optional = f.safeParse(undefined).success;
    return {
      name: key,
      required: !optional,
      description: DESCRIPTIONS[name][key],
      schema: z.toJSONSchema(f, { io: 'input', unrepresentable: 'any' }) as unknown as TemplateVariable['schema'],
    };
  });
}

const SYSTEM_WRITER =
  'You are a professional screenwriter and story editor working on short and feature films. You write vivid, specific, ' +
  'production-ready material: concrete places, objects and actions, no generic filler. You answer with JSON only, exactly ' +
  'matching the JSON Schema you are given; no prose outside the JSON.';

const SYSTEM_DIRECTOR =
  'You are a film director and cinematographer planning coverage for a storyboard and animatic. You think in shots: framing, ' +
  'angle, lens, movement and timing. You answer with JSON only, exactly matching the JSON Schema you are given.';

export const BUILTIN_TEMPLATE_DEFS: Record<BuiltinTemplateName, BuiltinTemplateDef> = {
  'story.outlines': {
    description: 'Develops an idea into 2–3 genuinely different story outline options with named structural beats.',
    system: SYSTEM_WRITER,
    body: `Develop this film idea into {{optionCount}} different outline options.

Idea: {{idea}}
Requested structure (may be empty: then use a different one per option among three_act, save_the_cat, heros_journey): {{structure}}
Requested genre (may be empty: infer it from the idea): {{genre}}
Target running time: {{targetDurationS}} seconds.

For every option:
- title: short and evocative, drawn from the idea's key nouns;
- logline: one sentence, under 400 characters — protagonist, inciting incident, goal, stakes;
- synopsis: three or four paragraphs using the idea's specific people, places and objects; name the characters;
- structure, genre, tone (one phrase such as "wry, tender");
- beats: the structure's named beats in order, with act numbers — three_act: Setup, Inciting Incident, Plot Point One, Rising Action, Midpoint, Plot Point Two, Climax, Resolution; save_the_cat: Opening Image, Theme Stated, Set-Up, Catalyst, Debate, Break into Two, B Story, Fun and Games, Midpoint, Bad Guys Close In, All Is Lost, Dark Night of the Soul, Break into Three, Finale, Final Image; heros_journey: Ordinary World, Call to Adventure, Refusal of the Call, Meeting the Mentor, Crossing the Threshold, Tests, Allies, and Enemies, Approach to the Inmost Cave, The Ordeal, The Reward, The Road Back, The Resurrection, Return with the Elixir. For films of three minutes or less keep only the spine of the structure (5–7 beats) with the same names.
Scope the story to the running time: a one-minute film has one location or two, two or three characters and one turn.
Make the options differ in angle, tone and ending, not just in wording.`,
    variables: variablesOf('story.outlines'),
  },
  'story.refine': {
    description: "Revises an outline according to a writer's note, keeping everything the note does not touch.",
    system: SYSTEM_WRITER,
    body: `Revise this outline according to the note. Change what the note asks for — tone, beats, synopsis, logline, title, setting or length — and keep everything else, including the structure's beat names. Return the complete revised outline.

Note: {{note}}

Outline (JSON):
{{outline}}`,
    variables: variablesOf('story.refine'),
  },
  'character.bible': {
    description: 'Builds the character bible — roles, bios, traits, visual identity and voice — from the idea and the chosen outline.',
    system: SYSTEM_WRITER,
    body: `Write the character bible for this film: at most {{maxCharacters}} characters.

Idea: {{idea}}

Outline (JSON):
{{outline}}

Rules:
- use the names the idea and outline already give; invent names only for characters who have none;
- exactly one protagonist; an antagonist only if the story has one; the rest deuteragonist, supporting or minor;
- bio: two to four sentences tied to the synopsis; traits: three to five single words or short phrases;
- visualDescription: one sentence a storyboard artist can draw from — age, build, hair, skin, outfit colours, accessory — consistent with identity;
- identity: palette of 2–5 #rrggbb colours (outfit first) with clearly different hues from every other character; silhouette, hair and accessory chosen so no two characters look alike;
- voice: gender consistent with the character; espeak-ng pitch 0–99 and rate 80–260 words per minute, different from every other character; variant a distinct espeak-ng variant (f1–f5, m1–m8, klatt, klatt2…);
- relationships: from, to (character names), kind and a one-line description.`,
    variables: variablesOf('character.bible'),
  },
  'screenplay.scenes': {
    description: 'Writes the screenplay — scenes with headings, action, dialogue and transitions — sized to the target running time.',
    system: SYSTEM_WRITER,
    body: `Write the screenplay for this outline.

Outline (JSON):
{{outline}}

Characters (JSON):
{{characters}}

Target running time: {{targetDurationS}} seconds. Use about one scene per 20 seconds of screen time; size the dialogue so that (dialogue words ÷ 2.5) plus about 3 seconds per action paragraph adds up to the target.
Rules:
- scenes follow the beats in order; headings like "INT. LIGHTHOUSE - NIGHT", with intExt, location and timeOfDay set to match;
- elements: action paragraphs in present tense; dialogue with the speaker's name in upper case as the character field, using the characters' names; occasional parentheticals; a transition at the end of a scene where it helps;
- every line says something specific to this story — its people, places and objects; no generic filler;
- titlePage: Title and Credit.`,
    variables: variablesOf('screenplay.scenes'),
  },
  'shots.plan': {
    description: 'Plans the shots of each scene: framing, angle, lens, movement, duration and which dialogue each shot covers.',
    system: SYSTEM_DIRECTOR,
    body: `Plan the shots for these scenes.

Scenes (JSON):
{{scenes}}

Characters (JSON):
{{characters}}

Style: {{style}}

Rules:
- start each scene with an establishing wide or extreme_wide shot;
- cover the dialogue with over_the_shoulder, medium and close_up shots alternating with the speakers, two_shot when two people trade short lines; push_in on emotional lines; an insert for key objects;
- elementIndexes: the indexes (into the scene's elements) of the dialogue each shot covers — every dialogue element of a scene exactly once across its shots;
- durationS: for dialogue, words ÷ 2.5 + 0.6 seconds per covered line; 2.5–4 seconds for shots without dialogue; a scene's shots add up to its running time;
- lensMm sensible for the framing (18–24 wide, 35–50 medium, 85–100 close and inserts); characters: who is in frame, by name.`,
    variables: variablesOf('shots.plan'),
  },
  'image.prompts': {
    description: 'Writes one text-to-image prompt per shot, describing characters with the same words every time.',
    system: SYSTEM_DIRECTOR,
    body: `Write one text-to-image prompt per shot.

Shots (JSON):
{{shots}}

Scenes (JSON):
{{scenes}}

Characters (JSON):
{{characters}}

Style: {{style}}

Each prompt names the shot type and camera angle, the location and time of day from the scene, every character in frame described with their visualDescription verbatim (so they look the same in every frame), the action of the shot, and the style. Keep sceneNumber and order from the shot. Add a negativePrompt against text, watermarks and anatomy errors.`,
    variables: variablesOf('image.prompts'),
  },
};
