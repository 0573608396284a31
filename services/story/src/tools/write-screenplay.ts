import { type CharacterProfile, filmIds, ScreenplaySchema, write_screenplay } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { StoryError } from '../errors.ts';
import { estimateDurationS, hashOf, type ScreenplayMeta, storeScreenplay, storyExtras } from '../graph-io.ts';
import { requireOutline, runTemplate } from '../outline.ts';

export const writeScreenplayTool = (ctx: StoryContext) =>
  implementTool(write_screenplay, async (input, call) => {
    const { brain, graph } = forCall(ctx, call.principal, input.projectId);
    const { story, outline } = await requireOutline(graph);
    const cast = await graph.characters();
    if (cast.length === 0) {
      throw new StoryError(
        'STORY_NO_CHARACTERS',
        'the project has no characters: run cast_characters (character service) after choose_outline, then write_screenplay',
        { projectId: input.projectId, next: 'cast_characters' },
      );
    }
    const characters: CharacterProfile[] = cast.map(({ record: { referenceAssetId: _ref, ...profile } }) => profile);
    const targetDurationS = input.targetDurationS ?? story.targetDurationS;
    const screenplayKey = hashOf({ kind: 'generated', outline, characters, targetDurationS, seed: input.seed ?? null });
    const extras = await storyExtras(graph);
    if (extras.screenplayKey === screenplayKey) {
      const [scenes, lines, locations] = await Promise.all([graph.scenes(), graph.lines(), graph.locations()]);
      if (scenes.length > 0) {
        return {
          scenes: scenes.length,
          lines: lines.length,
          locations: locations.length,
          estimatedDurationS: estimateDurationS({ scenes: scenes.map((s) => s.record) }),
          reused: true,
        };
      }
    }
    await call.progress({ progress: 0, total: 1, message: 'drafting the screenplay' });
    const screenplay = await runTemplate(
      brain,
      input.projectId,
      'screenplay.scenes',
      { outline, characters, targetDurationS },
      ScreenplaySchema,
      input.seed,
    );
    // Scene numbers are positions: the graph ids and line ids depend on them.
    screenplay.scenes = screenplay.scenes.map((s, i) => ({ ...s, number: i + 1 }));
    const result = await storeScreenplay(graph, screenplay, cast, {
      parallelism: ctx.writeParallelism,
      onProgress: (done, total) =>
        void call.progress({ progress: done, total: total + 1, message: 'storing scenes and lines' }).catch(() => {}),
    });
    const meta: ScreenplayMeta = { title: screenplay.title, titlePage: screenplay.titlePage, source: 'generated' };
    if (screenplay.preamble !== undefined) meta.preamble = screenplay.preamble;
    await graph.upsert('Story', filmIds.story(), { screenplayKey, screenplay: meta });
    return {
      scenes: result.scenes,
      lines: result.lines,
      locations: result.locations,
      estimatedDurationS: estimateDurationS(screenplay),
      reused: false,
    };
  });
