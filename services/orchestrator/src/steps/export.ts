import { DEFAULT_EXPORT_FORMATS, type ExportFileFormat, exportCatalog } from '@automovie/contracts';
import { OrchestratorError } from '../errors.ts';
import type { AssembleAnimaticOutput } from './assemble-animatic.ts';
import type { CastCharactersOutput } from './cast-characters.ts';
import type { PlanShotsOutput } from './plan-shots.ts';
import type { ScoreOutput } from './score.ts';
import { callOptions, outputOf } from './shared.ts';
import { type RunView, workStep } from './types.ts';
import type { WriteScreenplayOutput } from './write-screenplay.ts';

export interface ExportInput {
  castKey: string;
  screenplayKey: string;
  shotsKey: string;
  timelineKey: string;
  animaticAssetId: string;
  formats: ExportFileFormat[];
}

export interface ExportOutput {
  exportId: string;
  files: { format: ExportFileFormat; filename: string; assetId: string; bytes: number }[];
  reused: boolean;
}

/** Everything the export is made from: a change anywhere upstream makes a new export. */
export function exportInput(run: RunView): ExportInput {
  return {
    castKey: outputOf<CastCharactersOutput>(run, 'cast_characters').castKey,
    screenplayKey: outputOf<WriteScreenplayOutput>(run, 'write_screenplay').screenplayKey,
    shotsKey: outputOf<PlanShotsOutput>(run, 'plan_shots').shotsKey,
    timelineKey: outputOf<ScoreOutput>(run, 'score').timelineKey,
    animaticAssetId: outputOf<AssembleAnimaticOutput>(run, 'assemble_animatic').assetId,
    formats: [...DEFAULT_EXPORT_FORMATS],
  };
}

export function summarizeExport(o: ExportOutput): string {
  const kib = (b: number) => (b >= 1024 * 1024 ? `${(b / 1024 / 1024).toFixed(1)} MiB` : `${Math.max(1, Math.round(b / 1024))} KiB`);
  return `${o.files.map((f) => `${f.format} ${kib(f.bytes)}`).join(', ')}${o.reused ? ' (reused)' : ''}`;
}

/**
 * export: the film's files (export.export_project): PDF booklet, Fountain, FDX, JSON bundle, MP4
 * and a ZIP of them. A format the export service could not make fails the step, naming it, so the
 * run never ends "completed" without its files.
 */
export const exportStep = workStep<ExportInput, ExportOutput>({
  name: 'export',
  input: exportInput,
  async run(input, ctx) {
    const out = await ctx
      .client('export')
      .call(exportCatalog.tools.export_project, { projectId: ctx.projectId, formats: input.formats }, callOptions(ctx, 0, 1, 'export'));
    if (out.failures.length > 0) {
      throw new OrchestratorError(
        'ORCHESTRATOR_EXPORT_INCOMPLETE',
        `The export could not make ${out.failures.map((f) => `${f.format} (${f.code}: ${f.message})`).join('; ')}`,
        { data: { exportId: out.exportId, failures: out.failures } },
      );
    }
    return {
      exportId: out.exportId,
      files: out.files.map((f) => ({ format: f.format, filename: f.filename, assetId: f.assetId, bytes: f.bytes })),
      reused: out.reused,
    };
  },
  summarize: summarizeExport,
});
