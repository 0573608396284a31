import { describe, expect, it } from 'vitest';
import { summarizeVoiceDialogue, voiceDialogueInput } from '../../src/steps/voice-dialogue.ts';
import { OUTPUTS, runView } from './run-view.ts';

describe('voice_dialogue step', () => {
  it('depends on the screenplay and the cast, not on shots or frames', () => {
    const outputs = { ...OUTPUTS };
    const input = voiceDialogueInput(runView({ outputs }));
    expect(input).toEqual({ screenplayKey: 'sp-1', castKey: 'cast-1' });
    const shotEdited = {
      ...outputs,
      plan_shots: { ...OUTPUTS.plan_shots, shotsKey: 'shots-2' },
      render_storyboard: { ...OUTPUTS.render_storyboard, framesKey: 'frames-2' },
    };
    expect(voiceDialogueInput(runView({ outputs: shotEdited }))).toEqual(input);
  });

  it('summarizes the voicing', () => {
    expect(summarizeVoiceDialogue(OUTPUTS.voice_dialogue)).toBe('10 lines, 43.2 s of speech: 10 voiced, 0 reused');
    expect(summarizeVoiceDialogue({ ...OUTPUTS.voice_dialogue, fallbackVoices: ['GUARD'] })).toMatch(/fallback voices for GUARD$/);
  });
});
