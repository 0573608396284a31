import { describe, expect, it } from 'vitest';
import { filenameOf, fileStem, inputKeyOf, readmeText, stableJson } from '../src/files.ts';
import { sampleBundle } from './helpers.ts';

describe('export files', () => {
  it('names files after the project', () => {
    expect(fileStem('The Last Keeper')).toBe('the-last-keeper');
    expect(fileStem('Ódon & Mara: «Night»')).toBe('odon-mara-night');
    expect(fileStem('???')).toBe('project');
    expect(filenameOf('the-last-keeper', 'pdf')).toBe('the-last-keeper-storyboard.pdf');
    expect(filenameOf('x', 'fdx')).toBe('x.fdx');
  });

  it('serialises with sorted keys', () => {
    expect(stableJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe('{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}');
  });

  it('keys an export by content and options, not by when it was read', () => {
    const a = sampleBundle(2);
    const key = inputKeyOf(a, ['pdf', 'json'], 6);
    expect(inputKeyOf({ ...a, exportedAt: '2030-01-01T00:00:00.000Z' }, ['json', 'pdf'], 6)).toBe(key);
    expect(inputKeyOf({ ...a, project: { ...a.project, updatedAt: '2030-01-01T00:00:00.000Z' } }, ['pdf', 'json'], 6)).toBe(key);
    expect(inputKeyOf(a, ['pdf', 'json'], 4)).not.toBe(key);
    expect(inputKeyOf(a, ['pdf'], 6)).not.toBe(key);
    const edited = sampleBundle(2);
    (edited.shots[0] as { description: string }).description = 'Changed.';
    expect(inputKeyOf(edited, ['pdf', 'json'], 6)).not.toBe(key);
  });

  it('lists the files and what was left out in the README', () => {
    const text = readmeText({
      projectName: 'The Last Keeper',
      exportId: 'exp-1',
      createdAt: '2025-01-01T00:00:00.000Z',
      files: [{ format: 'pdf', filename: 'k-storyboard.pdf', bytes: 1234 }],
      failures: [{ format: 'fdx', message: 'The story service cannot be reached' }],
    });
    expect(text).toContain('k-storyboard.pdf');
    expect(text).toContain('Storyboard booklet (PDF), 1234 bytes');
    expect(text).toMatch(/Not included:\n {2}Screenplay \(Final Draft FDX\): The story service cannot be reached/);
  });
});
