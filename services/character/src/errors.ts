import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the character service. Across MCP, match on `code`, never on `instanceof`. */
export const CharacterErrorCodes = {
  /** cast_characters needs a chosen outline (story service: develop_story, then a choice). */
  CHARACTER_NO_OUTLINE: { status: 409, retryable: false },
  /** No character with that id (or name) in the project. */
  CHARACTER_NOT_FOUND: { status: 404, retryable: false },
  /** A relationship of a character with itself. */
  CHARACTER_SELF_RELATION: { status: 400, retryable: false },
  /** The brain's bible names a character twice, or relates characters it did not cast. */
  CHARACTER_BAD_GENERATION: { status: 502, retryable: true },
} as const;
export type CharacterErrorCode = keyof typeof CharacterErrorCodes;

/** An error of the character service: its code fixes status and retryability. */
export class CharacterError extends AutomovieError {
  constructor(code: CharacterErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = CharacterErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'CharacterError';
  }
}
