import { z } from 'zod';
import { IdSchema, ProjectIdSchema } from '../graph.ts';
import { defineCatalog, defineTool } from '../tool.ts';
import { commonTools } from './common.ts';

/**
 * export: the project out of the fleet — a PDF storyboard booklet, the screenplay as Fountain and
 * Final Draft (written by the story service), a JSON bundle of the whole graph, the animatic as
 * MP4/WebM and a ZIP of them all. Every file is an `export` asset in the brain and every export a
 * Workflow record (kind `export`), so get_export hands out signed download links later.
 */

export const ExportFileFormatSchema = z.enum(['pdf', 'fountain', 'fdx', 'json', 'mp4', 'webm', 'zip']);
export type ExportFileFormat = z.infer<typeof ExportFileFormatSchema>;

/** What export_project makes when no formats are given: everything but WebM (a transcode). */
export const DEFAULT_EXPORT_FORMATS: readonly ExportFileFormat[] = ['pdf', 'fountain', 'fdx', 'json', 'mp4', 'zip'];

export const ExportFileSchema = z.object({
  format: ExportFileFormatSchema,
  filename: z.string(),
  mime: z.string(),
  assetId: IdSchema,
  bytes: z.number().int().nonnegative(),
});
export type ExportFile = z.infer<typeof ExportFileSchema>;

/** A format that could not be made, and why (the error's stable code and message). */
export const ExportFailureSchema = z.object({
  format: ExportFileFormatSchema,
  code: z.string(),
  message: z.string(),
});
export type ExportFailure = z.infer<typeof ExportFailureSchema>;

/** The `data` of an export's Workflow record (kind `export`). */
export const ExportRecordSchema = z.object({
  exportId: IdSchema,
  createdAt: z.iso.datetime(),
  formats: z.array(ExportFileFormatSchema),
  framesPerPage: z.number().int(),
  files: z.array(ExportFileSchema),
  failures: z.array(ExportFailureSchema),
  /** Hash of everything the files were made from: the same key → the stored export is reused. */
  inputKey: z.string(),
});
export type ExportRecord = z.infer<typeof ExportRecordSchema>;

export const export_project = defineTool({
  name: 'export_project',
  description:
    'Exports the project: a PDF storyboard booklet (cover with cast and counts, per scene its frames with shot data and dialogue, a shot list), Fountain and FDX (from the story service), a JSON bundle of the whole graph, the animatic as MP4/WebM and a ZIP of them all. Each file becomes an `export` asset; a format that cannot be made is listed in `failures` with the reason. Unchanged project and options → the stored export is returned.',
  input: z.object({
    projectId: ProjectIdSchema,
    formats: z
      .array(ExportFileFormatSchema)
      .min(1)
      .max(7)
      .refine((f) => new Set(f).size === f.length, 'formats must not repeat')
      .default([...DEFAULT_EXPORT_FORMATS])
      .describe('Default: every format but webm.'),
    framesPerPage: z.number().int().min(1).max(12).default(6).describe('Storyboard frames on one booklet page.'),
    force: z.boolean().default(false).describe('Make the files again even when nothing changed.'),
  }),
  output: z.object({
    exportId: IdSchema,
    files: z.array(ExportFileSchema),
    zip: z.object({ assetId: IdSchema }).optional(),
    failures: z.array(ExportFailureSchema),
    reused: z.boolean().describe('An earlier export of the same inputs was returned; nothing was made.'),
  }),
  scope: 'export.write',
});

export const get_export = defineTool({
  name: 'get_export',
  description: "An export's files with signed, expiring download links: the given export, or the project's latest one.",
  input: z.object({
    projectId: ProjectIdSchema,
    exportId: IdSchema.optional().describe('Default: the latest export of the project.'),
    format: ExportFileFormatSchema.optional().describe('Only this format.'),
    ttlS: z
      .number()
      .int()
      .min(10)
      .max(7 * 86_400)
      .default(3600)
      .describe('How long the links work.'),
  }),
  output: z.object({
    exportId: IdSchema,
    createdAt: z.iso.datetime(),
    files: z.array(
      ExportFileSchema.extend({
        url: z.url(),
        expiresAt: z.iso.datetime(),
      }),
    ),
    failures: z.array(ExportFailureSchema),
  }),
  scope: 'export.read',
  readOnly: true,
});

export const exportCatalog = defineCatalog(
  'export',
  'Project exports: PDF storyboard booklet, Fountain, FDX, JSON bundle, MP4/WebM and ZIP, with signed download links.',
  { ...commonTools, export_project, get_export },
);
