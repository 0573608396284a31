import { AutomovieError } from '@automovie/contracts';

/** Stable error codes of the story service. Across MCP, match on `code`, never on `instanceof`. */
export const StoryErrorCodes = {
  /** A screenplay file could not be read; `data.line` names the line (1-based) when known. */
  STORY_PARSE_ERROR: { status: 400, retryable: false },
  /** The imported content has no scene headings, so there is nothing to store as scenes. */
  STORY_IMPORT_NO_SCENES: { status: 400, retryable: false },
  STORY_EMPTY_CONTENT: { status: 400, retryable: false },
  STORY_CONTENT_TOO_LARGE: { status: 413, retryable: false },
  /** `format: auto` could not tell what the content is. */
  STORY_UNKNOWN_FORMAT: { status: 400, retryable: false },
  /** develop_story has not run for the project. */
  STORY_NO_STORY: { status: 409, retryable: false },
  /** No outline was chosen yet (choose_outline). */
  STORY_NO_OUTLINE: { status: 409, retryable: false },
  STORY_OPTION_OUT_OF_RANGE: { status: 400, retryable: false },
  /** write_screenplay needs cast characters (character service cast_characters). */
  STORY_NO_CHARACTERS: { status: 409, retryable: false },
  /** The project has no screenplay yet (write_screenplay or import_screenplay). */
  STORY_NO_SCREENPLAY: { status: 409, retryable: false },
  /** The brain returned something that does not fit the story's records. */
  STORY_BAD_GENERATION: { status: 502, retryable: true },
} as const;
export type StoryErrorCode = keyof typeof StoryErrorCodes;

/** An error of the story service: its code fixes status and retryability. */
export class StoryError extends AutomovieError {
  constructor(code: StoryErrorCode, message: string, data?: unknown, cause?: unknown) {
    const { status, retryable } = StoryErrorCodes[code];
    super(code, message, { status, retryable, ...(data === undefined ? {} : { data }), ...(cause === undefined ? {} : { cause }) });
    this.name = 'StoryError';
  }
}

/** A parse failure naming the format and the 1-based line. */
export function parseError(format: string, line: number | undefined, message: string): StoryError {
  const where = line === undefined ? '' : ` at line ${line}`;
  return new StoryError('STORY_PARSE_ERROR', `${format}${where}: ${message}`, { format, ...(line === undefined ? {} : { line }) });
}
