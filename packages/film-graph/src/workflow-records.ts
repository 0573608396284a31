import { AutomovieError, get_workflow_data, type Json, store_workflow_data } from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { z } from 'zod';

/** Id of the audio service's mix record, which the video service reads back. */
export const mixRecordId = (): string => 'mix';

/** The mix as the audio service stores it and the video service reads it. */
export const MixRecordSchema = z.object({
  key: z.string(),
  /** Hash of the timeline's audio-relevant part (`timelineAudioKey`): video compares it to refuse a stale mix. */
  timelineAudioKey: z.string(),
  assetId: z.string(),
  durationS: z.number(),
  loudnessLufs: z.number(),
});
export type MixRecord = z.infer<typeof MixRecordSchema>;

/** A workflow record's data parsed with `schema`; undefined when missing or not of that shape (it is then rebuilt). */
export async function readRecord<T>(brain: McpClient, projectId: string, id: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    const { workflow } = await brain.call(get_workflow_data, { projectId, id });
    const parsed = schema.safeParse(workflow.data);
    return parsed.success ? parsed.data : undefined;
  } catch (err) {
    if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return undefined;
    throw err;
  }
}

/** Stores (or replaces) a workflow record with status `done`. */
export async function writeRecord(
  brain: McpClient,
  projectId: string,
  o: { id: string; kind: string; description: string; data: Record<string, unknown> },
): Promise<void> {
  await brain.call(store_workflow_data, {
    projectId,
    id: o.id,
    kind: o.kind,
    status: 'done',
    description: o.description,
    data: o.data as Record<string, Json>,
  });
}
