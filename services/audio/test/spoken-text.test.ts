import { describe, expect, it } from 'vitest';
import { spokenText } from '../src/voices.ts';

describe('spoken text', () => {
  it('drops inline asides: they are directions, not dialogue', () => {
    expect(spokenText('I waited. (beat) You never came.')).toBe('I waited. You never came.');
    expect(spokenText('(quietly) Go home (to Mara) , now.')).toBe('Go home, now.');
    expect(spokenText('No parentheses here.')).toBe('No parentheses here.');
  });

  it('keeps a line that is only an aside as it is', () => {
    expect(spokenText(' (beat) ')).toBe('(beat)');
  });
});
