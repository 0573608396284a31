import type { CharacterRecord, LineRecord, SceneRecord } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { ambienceFor } from '../src/ambience.ts';
import { audioKeyOf, fallbackVoice, speakerOf } from '../src/voices.ts';

const voice = { gender: 'female', pitch: 55, rate: 170, variant: 'f2' } as const;
const mara = { name: 'Mara Quinn', voice } as unknown as CharacterRecord;
const line = (character: string, characterId?: string): LineRecord => ({
  sceneNumber: 1,
  elementIndex: 1,
  order: 1,
  character,
  text: 'Hello.',
  ...(characterId ? { characterId } : {}),
});

describe('voices', () => {
  it('keys audio by text, voice and seed', () => {
    const k = audioKeyOf('Hello.', voice, undefined);
    expect(audioKeyOf('Hello.', { ...voice }, undefined)).toBe(k);
    expect(audioKeyOf('Hello!', voice, undefined)).not.toBe(k);
    expect(audioKeyOf('Hello.', { ...voice, pitch: 56 }, undefined)).not.toBe(k);
    expect(audioKeyOf('Hello.', voice, 7)).not.toBe(k);
  });

  it('finds the speaker by id, by slug and by first name as scripts cue it', () => {
    const chars = new Map([['char-mara-quinn', mara]]);
    expect(speakerOf(line('WHOEVER', 'char-mara-quinn'), chars)).toBe(mara);
    expect(speakerOf(line('Mara Quinn'), chars)).toBe(mara);
    expect(speakerOf(line('MARA'), chars)).toBe(mara);
    expect(speakerOf(line('WAITER'), chars)).toBeUndefined();
  });

  it('derives a stable fallback voice from a name', () => {
    expect(fallbackVoice('WAITER')).toEqual(fallbackVoice('waiter '));
    expect(fallbackVoice('WAITER')).not.toEqual(fallbackVoice('DRIVER'));
  });
});

describe('ambienceFor', () => {
  const scene = (heading: string, intExt: 'INT' | 'EXT', timeOfDay: 'DAY' | 'NIGHT', action: string): SceneRecord => ({
    number: 1,
    heading,
    intExt,
    location: heading.split('. ')[1]!.split(' -')[0]!,
    timeOfDay,
    summary: '',
    elements: [{ type: 'action', text: action }],
  });

  it('hears the weather and the place in the words', () => {
    expect(ambienceFor(scene('EXT. HARBOUR STREET - NIGHT', 'EXT', 'NIGHT', 'Rain hammers the cobbles.'), undefined)).toBe(
      'Ambience of exterior harbour street, at night: steady rain, sea waves, street traffic',
    );
  });

  it('gives an interior room tone, and a quiet exterior light wind', () => {
    expect(ambienceFor(scene('INT. ATTIC - DAY', 'INT', 'DAY', 'Dust hangs in the air.'), undefined)).toBe(
      'Ambience of interior attic: room tone',
    );
    expect(ambienceFor(scene('EXT. ROOFTOP - DAY', 'EXT', 'DAY', 'She waits.'), undefined)).toBe(
      'Ambience of exterior rooftop: light wind',
    );
  });
});
