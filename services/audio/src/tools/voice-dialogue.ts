import { type TaskPayload, update_node, voice_dialogue } from '@automovie/contracts';
import { hashOf, runTask } from '@automovie/film-graph';
import { implementTool } from '@automovie/mcp-ws';
import { type AudioContext, callClients } from '../context.ts';
import { taskFailed } from '../errors.ts';
import { audioKeyOf, characterMap, fallbackVoice, speakerOf, spokenText } from '../voices.ts';

type LineItem = TaskPayload<'synthesize_lines'>['lines'][number];

export const voiceDialogueTool = (ctx: AudioContext) =>
  implementTool(voice_dialogue, async ({ projectId, seed }, call) => {
    const { brain, tasks, graph } = callClients(ctx, call.principal, projectId);
    const [lines, characters] = await Promise.all([graph.lines(), graph.characters()]);
    const byId = characterMap(characters);
    const fallbackVoices = new Set<string>();
    const pending: Array<LineItem & { audioKey: string }> = [];
    let totalSpeechS = 0;
    for (const { id, record } of lines) {
      const speaker = speakerOf(record, byId);
      if (!speaker) fallbackVoices.add(record.character);
      const voice = speaker?.voice ?? fallbackVoice(record.character);
      const text = spokenText(record.text);
      const audioKey = audioKeyOf(text, voice, seed);
      const voiced = record.audioKey === audioKey && record.audioAssetId !== undefined && record.durationS !== undefined;
      if (voiced) totalSpeechS += record.durationS ?? 0;
      else pending.push({ key: id, text, voice, ...(seed === undefined ? {} : { seed }), audioKey });
    }

    let taskId: string | undefined;
    if (pending.length > 0) {
      await call.progress({ progress: 0, total: pending.length, message: `voicing ${pending.length} of ${lines.length} lines` });
      const { task, result } = await runTask({
        tasks,
        projectId,
        kind: 'synthesize_lines',
        payload: { lines: pending.map(({ audioKey: _, ...item }) => item) },
        idempotencyKey: `voice_dialogue:${hashOf(pending.map((t) => [t.key, t.audioKey]))}`,
        pollMs: ctx.config.AUDIO_TASK_POLL_MS,
        onProgress: (p) => void call.progress(p).catch(() => undefined),
        signal: call.signal,
        fail: taskFailed,
      });
      taskId = task.id;
      const keys = new Map(pending.map((t) => [t.key, t.audioKey]));
      for (const r of result.lines) {
        totalSpeechS += r.durationS;
        await brain.call(update_node, {
          projectId,
          id: r.key,
          properties: { audioAssetId: r.assetId, durationS: r.durationS, timings: r.timings, audioKey: keys.get(r.key) ?? null },
        });
      }
    }
    call.log.info({ projectId, lines: lines.length, synthesized: pending.length, taskId }, 'voiced dialogue');
    return {
      lines: lines.length,
      synthesized: pending.length,
      reused: lines.length - pending.length,
      totalSpeechS: Math.round(totalSpeechS * 1000) / 1000,
      ...(taskId === undefined ? {} : { taskId }),
      fallbackVoices: [...fallbackVoices].sort(),
    };
  });
