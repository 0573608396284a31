import { describe, expect, it } from 'vitest';
import { exportInput, summarizeExport } from '../../src/steps/export.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('export step', () => {
  it('goes stale when anything the files are made from changes', () => {
    const input = exportInput(runView({ outputs: OUTPUTS }));
    expect(input).toEqual({
      castKey: 'cast-1',
      screenplayKey: 'sp-1',
      shotsKey: 'shots-1',
      timelineKey: 'tl-1',
      animaticAssetId: 'mp4-1',
      formats: ['pdf', 'fountain', 'fdx', 'json', 'mp4', 'zip'],
    });
    const rerendered = { ...OUTPUTS, assemble_animatic: { ...OUTPUTS.assemble_animatic, assetId: 'mp4-2' } };
    expect(exportInput(runView({ outputs: rerendered })).animaticAssetId).toBe('mp4-2');
  });

  it('summarizes the files by format and size', () => {
    const files = [
      { format: 'pdf' as const, filename: 'a.pdf', assetId: 'x', bytes: 1_048_576 },
      { format: 'fdx' as const, filename: 'a.fdx', assetId: 'y', bytes: 300 },
    ];
    expect(summarizeExport({ exportId: 'e', files, reused: false })).toBe('pdf 1.0 MiB, fdx 1 KiB');
  });
});
