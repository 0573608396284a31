import {
  type Beat,
  execute_prompt,
  filmIds,
  type OutlineOption,
  type StoryRecord,
  StoryRecordSchema,
  update_project,
} from '@automovie/contracts';
import type { FilmGraph } from '@automovie/film-graph';
import type { McpClient } from '@automovie/mcp-ws';
import { z } from 'zod';
import { StoryError } from './errors.ts';
import { mapLimit } from './graph-io.ts';

/** Runs a built-in template through the brain and checks its output against `schema`. */
export async function runTemplate<T>(
  brain: McpClient,
  projectId: string,
  template: string,
  variables: Record<string, unknown>,
  schema: z.ZodType<T>,
  seed?: number,
): Promise<T> {
  const res = await brain.call(execute_prompt, {
    projectId,
    template,
    variables: JSON.parse(JSON.stringify(variables)),
    ...(seed === undefined ? {} : { seed }),
  });
  const parsed = schema.safeParse(res.output);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new StoryError(
      'STORY_BAD_GENERATION',
      `${template} returned output that does not fit: ${first?.path.join('.')}: ${first?.message}`,
      {
        template,
      },
    );
  }
  return parsed.data;
}

export async function requireStory(graph: FilmGraph): Promise<StoryRecord> {
  const story = await graph.story();
  if (story === undefined) {
    throw new StoryError('STORY_NO_STORY', 'the project has no story yet: run develop_story first', { projectId: graph.projectId });
  }
  return story;
}

export async function requireOutline(graph: FilmGraph): Promise<{ story: StoryRecord; outline: OutlineOption }> {
  const story = await requireStory(graph);
  if (story.outline === undefined) {
    throw new StoryError(
      'STORY_NO_OUTLINE',
      `no outline has been chosen yet: run choose_outline with an optionIndex from 0 to ${Math.max(0, story.options.length - 1)} first`,
      { projectId: graph.projectId, options: story.options.length },
    );
  }
  return { story, outline: story.outline };
}

export function summary(outline: OutlineOption, index: number) {
  return {
    index,
    title: outline.title,
    logline: outline.logline,
    structure: outline.structure,
    genre: outline.genre,
    tone: outline.tone,
    beats: outline.beats.length,
  };
}

/** Makes `outline` the story's outline: Beat nodes rewritten (stale ones removed), the project's logline and genre updated. */
export async function applyOutline(
  graph: FilmGraph,
  brain: McpClient,
  story: StoryRecord,
  outline: OutlineOption,
  chosenIndex: number,
  parallelism: number,
): Promise<Beat[]> {
  const next: StoryRecord = StoryRecordSchema.parse({ ...story, chosenIndex, outline });
  await graph.upsert('Story', filmIds.story(), next, `${outline.title}. ${outline.logline}\n${outline.synopsis}`);
  const beats = outline.beats.map((b, i) => ({ ...b, order: i + 1 }));
  await mapLimit(beats, parallelism, async (beat) => {
    const id = filmIds.beat(beat.order);
    await graph.upsert('Beat', id, beat, `${beat.name}: ${beat.summary}`);
    await graph.relate('HAS_BEAT', filmIds.story(), id);
  });
  const old = await graph.list('Beat', z.object({}));
  const keep = new Set(beats.map((b) => filmIds.beat(b.order)));
  await mapLimit(
    old.filter((b) => !keep.has(b.id)),
    parallelism,
    (b) => graph.remove(b.id),
  );
  await brain.call(update_project, {
    projectId: graph.projectId,
    logline: outline.logline.slice(0, 1000),
    genre: outline.genre.slice(0, 100),
  });
  return outline.beats;
}
