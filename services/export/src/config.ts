import { FLEET } from '@automovie/contracts';
import { baseConfigSchema, loadConfig } from '@automovie/service-kit';
import { z } from 'zod';

const wsUrl = z.url({ protocol: /^wss?$/ }).optional();
const DEJAVU = '/usr/share/fonts/truetype/dejavu';

export const exportConfigSchema = baseConfigSchema.extend({
  PORT: baseConfigSchema.shape.PORT.default(FLEET.export.port),
  /** The brain's MCP URL. Default ws://127.0.0.1:<brain port>/mcp. */
  AUTOMOVIE_BRAIN_URL: wsUrl,
  /** The story service (Fountain and FDX). Default ws://127.0.0.1:<story port>/mcp. */
  AUTOMOVIE_STORY_URL: wsUrl,
  /** The video service (the animatic, WebM transcodes). Default ws://127.0.0.1:<video port>/mcp. */
  AUTOMOVIE_VIDEO_URL: wsUrl,
  /** Regular TrueType font embedded in the booklet. Default DejaVu Sans. */
  EXPORT_FONT_PATH: z.string().min(1).default(`${DEJAVU}/DejaVuSans.ttf`),
  /** Bold TrueType font embedded in the booklet. Default DejaVu Sans Bold. */
  EXPORT_FONT_BOLD_PATH: z.string().min(1).default(`${DEJAVU}/DejaVuSans-Bold.ttf`),
  /** Booklet paper, landscape. Default A4. */
  EXPORT_PAGE_SIZE: z.enum(['A4', 'LETTER']).default('A4'),
  /** Timeout of calls to other services (an animatic render or transcode can be long). Default 600000 ms. */
  EXPORT_CALL_TIMEOUT_MS: z.coerce.number().int().min(1000).max(3_600_000).default(600_000),
  /** Storyboard frames downloaded at once. Default 4. */
  EXPORT_DOWNLOAD_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** Largest storyboard frame downloaded for the booklet. Default 32 MiB. */
  EXPORT_MAX_FRAME_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(32 * 1024 ** 2),
});
export type ExportConfig = z.infer<typeof exportConfigSchema>;

export function loadExportConfig(env: Record<string, string | undefined>): ExportConfig {
  return loadConfig(exportConfigSchema, env);
}
