import { analyze_dialogue, filmIds } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { forCall, type StoryContext } from '../context.ts';
import { StoryError } from '../errors.ts';
import { spokenWords, WORDS_PER_SECOND } from '../graph-io.ts';

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

export const analyzeDialogueTool = (ctx: StoryContext) =>
  implementTool(analyze_dialogue, async ({ projectId }, call) => {
    const { graph } = forCall(ctx, call.principal, projectId);
    const lines = await graph.lines();
    if (lines.length === 0 && (await graph.scenes()).length === 0) {
      throw new StoryError('STORY_NO_SCREENPLAY', 'the project has no screenplay yet: run write_screenplay or import_screenplay first', {
        projectId,
      });
    }
    const stats = new Map<
      string,
      { character: string; characterId?: string; lines: number; words: number; seconds: number; measuredLines: number }
    >();
    for (const { record } of lines) {
      const key = record.characterId ?? filmIds.character(record.character);
      const s = stats.get(key) ?? { character: record.character, lines: 0, words: 0, seconds: 0, measuredLines: 0 };
      if (record.characterId !== undefined) s.characterId = record.characterId;
      const words = spokenWords(record.text);
      s.lines++;
      s.words += words;
      if (record.durationS !== undefined && record.audioAssetId !== undefined) {
        s.seconds += record.durationS;
        s.measuredLines++;
      } else s.seconds += words / WORDS_PER_SECOND;
      stats.set(key, s);
    }
    const totalWords = [...stats.values()].reduce((a, s) => a + s.words, 0);
    const characters = [...stats.values()]
      .sort((a, b) => b.words - a.words || a.character.localeCompare(b.character))
      .map((s) => ({
        character: s.character,
        ...(s.characterId === undefined ? {} : { characterId: s.characterId }),
        lines: s.lines,
        words: s.words,
        estimatedSpeakingS: round(s.seconds),
        measuredLines: s.measuredLines,
        share: totalWords === 0 ? 0 : round(s.words / totalWords, 4),
      }));
    return {
      characters,
      totals: {
        lines: lines.length,
        words: totalWords,
        estimatedSpeakingS: round(characters.reduce((a, c) => a + c.estimatedSpeakingS, 0)),
      },
    };
  });
