import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutomovieError, filmIds, get_asset, import_screenplay, SCREENPLAY_MAX_CHARS } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { downloadAsset } from '@automovie/service-kit';
import { forCall, type StoryContext } from '../context.ts';
import { StoryError } from '../errors.ts';
import { parseScreenplay } from '../formats.ts';
import { ensureStory, estimateDurationS, hashOf, mapLimit, type ScreenplayMeta, storeScreenplay, storyExtras } from '../graph-io.ts';
import { importedCharacters } from '../imported-characters.ts';

export const importScreenplayTool = (ctx: StoryContext) =>
  implementTool(import_screenplay, async (input, call) => {
    const { brain, graph } = forCall(ctx, call.principal, input.projectId);
    if ((input.content === undefined) === (input.assetId === undefined)) {
      throw new AutomovieError('INVALID_INPUT', 'give exactly one of content (the file text) or assetId (a stored document)', {
        data: { fields: ['content', 'assetId'] },
      });
    }
    let content = input.content;
    if (input.assetId !== undefined) {
      const { url } = await brain.call(get_asset, { projectId: input.projectId, assetId: input.assetId });
      const dir = await mkdtemp(join(tmpdir(), 'story-import-'));
      try {
        const path = join(dir, 'screenplay');
        await downloadAsset(url, path, { maxBytes: SCREENPLAY_MAX_CHARS * 2, signal: call.signal });
        content = await readFile(path, 'utf8');
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
      if (content.length > SCREENPLAY_MAX_CHARS) {
        throw new StoryError(
          'STORY_CONTENT_TOO_LARGE',
          `asset ${input.assetId} holds ${content.length} characters; the limit is ${SCREENPLAY_MAX_CHARS}`,
          {
            field: 'assetId',
          },
        );
      }
    }
    const parsed = parseScreenplay(input.format, content ?? '');
    const { screenplay, warnings, format } = parsed;

    await call.progress({ progress: 0, total: 1, message: `read ${screenplay.scenes.length} scenes (${format})` });
    const screenplayKey = hashOf({ kind: 'imported', format, screenplay });
    await ensureStory(graph, {
      idea: `Imported screenplay "${screenplay.title}"`,
      options: [],
      targetDurationS: Math.max(1, estimateDurationS(screenplay)),
    });

    // Speakers nobody cast yet become minimal Character nodes.
    const cast = await graph.characters();
    const castSlugs = new Set(cast.map((c) => filmIds.slug(c.record.name)));
    const speakers = new Map<string, string>();
    for (const s of screenplay.scenes)
      for (const e of s.elements)
        if (e.type === 'dialogue' && !speakers.has(filmIds.slug(e.character))) speakers.set(filmIds.slug(e.character), e.character);
    const missing = [...speakers.entries()].filter(([slug]) => !castSlugs.has(slug)).map(([, name]) => name);
    const created = importedCharacters(missing, screenplay.title, format, new Set(cast.map((c) => c.record.voice.variant)));
    await mapLimit(created, ctx.writeParallelism, (c) => graph.upsert('Character', filmIds.character(c.name), c, `${c.name}. ${c.bio}`));
    const characters = created.length === 0 ? cast : await graph.characters();

    const extras = await storyExtras(graph);
    const result =
      extras.screenplayKey === screenplayKey
        ? await (async () => {
            const [scenes, lines, locations] = await Promise.all([graph.scenes(), graph.lines(), graph.locations()]);
            return { scenes: scenes.length, lines: lines.length, locations: locations.length, characters: speakers.size };
          })()
        : await storeScreenplay(graph, screenplay, characters, {
            parallelism: ctx.writeParallelism,
            onProgress: (done, total) =>
              void call.progress({ progress: done, total: total + 1, message: 'storing scenes and lines' }).catch(() => {}),
          });
    const meta: ScreenplayMeta = { title: screenplay.title, titlePage: screenplay.titlePage, source: `imported:${format}` };
    if (screenplay.preamble !== undefined) meta.preamble = screenplay.preamble;
    await graph.upsert('Story', filmIds.story(), { screenplayKey, screenplay: meta });
    return {
      title: screenplay.title,
      format,
      scenes: result.scenes,
      characters: speakers.size,
      locations: result.locations,
      lines: result.lines,
      createdCharacters: created.map((c) => c.name),
      warnings,
    };
  });
