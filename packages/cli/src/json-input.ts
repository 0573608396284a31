import { CliError } from './errors.ts';

/** Line and column (both from 1) of a character offset in `text`. */
export function lineColumn(text: string, position: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < position && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: position - lineStart + 1 };
}

/**
 * Whether `prefix` is broken JSON, as opposed to valid or merely unfinished: V8 reports an
 * unfinished text either as "Unexpected end" or as an error at the position just past the end.
 */
function brokenAt(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (err) {
    const message = (err as Error).message;
    if (/Unexpected end of JSON input/.test(message)) return false;
    const at = /at position (\d+)/.exec(message);
    return at === null || Number(at[1]) < prefix.length;
  }
}

/**
 * The offset of the first character that makes `text` invalid JSON. V8 names a position for most
 * errors but not all ("Unexpected token", "Unexpected end"), so it is found by bisection over
 * prefixes: once a prefix is broken, every longer one is too.
 */
export function jsonErrorPosition(text: string): number {
  if (!brokenAt(text)) return text.length; // valid so far: it just ends too early
  let lo = 0;
  let hi = text.length; // invariant: prefix(hi) broken, prefix(lo) not
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (brokenAt(text.slice(0, mid))) hi = mid;
    else lo = mid;
  }
  return hi - 1;
}

const UNFINISHED = 'unexpected end of input (a closing brace, bracket or quote is missing?)';

/** V8's reason without its position suffix or its echo of the whole input. */
function reasonOf(message: string): string {
  return message
    .replace(/ at position \d+.*$/s, '')
    .replace(/ in JSON$/, '')
    .replace(/, (\.\.\.)?".*"(\.\.\.)? is not valid JSON$/s, '')
    .replace(/^Unexpected token '([\s\S])'/, (_, c: string) => `Unexpected token ${JSON.stringify(c)}`)
    .replace(/^Unexpected end of JSON input$/, UNFINISHED);
}

/** The offending line with a caret under the column, shortened around it when long. */
function excerpt(text: string, line: number, column: number): string {
  const src = text.split('\n')[line - 1] ?? '';
  const start = Math.max(0, column - 40);
  const shown = src.slice(start, start + 80).replace(/\t/g, ' ');
  const lead = start > 0 ? '…' : '';
  return `  ${lead}${shown}\n  ${' '.repeat(lead.length + column - 1 - start)}^`;
}

/**
 * Parses a tool's arguments given as JSON text. Errors name the source, the line and column,
 * and V8's reason, with the line shown; the value must be a JSON object.
 */
export function parseJsonArguments(text: string, source = 'JSON argument'): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const position = jsonErrorPosition(text);
    const { line, column } = lineColumn(text, position);
    const reason =
      text.trim() === ''
        ? 'it is empty (pass {} for no arguments)'
        : position >= text.length
          ? UNFINISHED
          : reasonOf((err as Error).message);
    throw new CliError(
      'CLI_INVALID_JSON',
      `Invalid ${source} at line ${line}, column ${column} (position ${position}): ${reason}\n${excerpt(text, line, column)}`,
      { data: { source, position, line, column } },
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new CliError('CLI_INVALID_JSON', `Invalid ${source}: tool arguments must be a JSON object like {"key": "value"}, got ${kind}`, {
      data: { source },
    });
  }
  return value as Record<string, unknown>;
}
