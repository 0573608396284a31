import { make_subtitles } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { formatSrt, formatVtt } from '@automovie/media';
import { storeAsset } from '../assets.ts';
import { type AudioContext, callClients } from '../context.ts';
import { buildCues } from '../cues.ts';
import { AudioError } from '../errors.ts';

export const makeSubtitlesTool = (ctx: AudioContext) =>
  implementTool(make_subtitles, async ({ projectId, format }, call) => {
    const { brain, graph } = callClients(ctx, call.principal, projectId);
    const [timeline, lines] = await Promise.all([graph.timeline(), graph.lines()]);
    if (!timeline) {
      throw new AudioError('AUDIO_NO_TIMELINE', `Project ${projectId} has no timeline yet: run the video service's build_timeline first`, {
        tool: 'video.build_timeline',
      });
    }
    const records = new Map(lines.map((l) => [l.id, l.record]));
    const cues = buildCues(
      timeline.lines.map((l) => ({
        lineId: l.lineId,
        text: l.text,
        startS: l.startS,
        durationS: l.durationS,
        timings: records.get(l.lineId)?.timings,
      })),
    );
    const wantSrt = format === 'srt' || format === 'both';
    const wantVtt = format === 'vtt' || format === 'both';
    const srt = wantSrt ? formatSrt(cues) : undefined;
    const vtt = wantVtt ? formatVtt(cues) : undefined;
    const assetIds: { srt?: string; vtt?: string } = {};
    // An empty subtitle file is not worth an asset: a film without dialogue has no subtitles.
    if (cues.length > 0) {
      const enc = new TextEncoder();
      if (srt !== undefined)
        assetIds.srt = (
          await storeAsset(brain, projectId, enc.encode(srt), { kind: 'document', mime: 'application/x-subrip', filename: 'subtitles.srt' })
        ).id;
      if (vtt !== undefined)
        assetIds.vtt = (
          await storeAsset(brain, projectId, enc.encode(vtt), { kind: 'document', mime: 'text/vtt', filename: 'subtitles.vtt' })
        ).id;
    }
    call.log.info({ projectId, cues: cues.length }, 'made subtitles');
    return { cues, ...(srt === undefined ? {} : { srt }), ...(vtt === undefined ? {} : { vtt }), assetIds };
  });
