import { describe, expect, it } from 'vitest';
import { CliError } from '../src/errors.ts';
import { jsonErrorPosition, lineColumn, parseJsonArguments } from '../src/json-input.ts';

function failure(text: string, source?: string): CliError {
  try {
    parseJsonArguments(text, source);
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).code).toBe('CLI_INVALID_JSON');
    expect((err as CliError).exitCode).toBe(2);
    return err as CliError;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be refused`);
}

describe('parseJsonArguments', () => {
  it('returns the object', () => {
    expect(parseJsonArguments('{"projectId":"p1","n":[1,2]}')).toEqual({ projectId: 'p1', n: [1, 2] });
    expect(parseJsonArguments(' {}\n')).toEqual({});
  });

  it.each([
    ['{a}', 1],
    ['{"a":1,}', 7],
    ['{"a": 1 "b": 2}', 8],
    ['{"a":1} x', 8],
    ['{"a": tru\n}', 9], // V8 names no position for this one: it is found by bisection
    ['{"a": "x', 8],
    ['{"a":', 5],
  ])('names the position of the error in %j', (text, position) => {
    expect(jsonErrorPosition(text)).toBe(position);
    const e = failure(text);
    const { line, column } = lineColumn(text, position);
    expect(e.message).toContain(`at line ${line}, column ${column} (position ${position})`);
    expect(e.data).toMatchObject({ position, line, column });
  });

  it('shows the line with a caret under the column, on the right line', () => {
    const e = failure('{\n  "a": 1,\n  "b": ]\n}');
    expect(e.message).toContain('at line 3, column 8');
    const [, src, caret] = e.message.split('\n');
    expect(src).toBe('    "b": ]');
    expect(caret?.indexOf('^')).toBe(src?.indexOf(']'));
  });

  it('explains an unfinished text and an empty one', () => {
    expect(failure('{"a": [1, 2').message).toMatch(/unexpected end of input \(a closing brace, bracket or quote is missing\?\)/);
    expect(failure('   ').message).toContain('it is empty (pass {} for no arguments)');
  });

  it('refuses JSON that is not an object, saying what it got', () => {
    expect(failure('[1]').message).toContain('got an array');
    expect(failure('"x"').message).toContain('got a string');
    expect(failure('null').message).toContain('got null');
    expect(failure('3').message).toContain('tool arguments must be a JSON object');
  });

  it('names its source', () => {
    expect(failure('{', 'JSON from stdin').message).toMatch(/^Invalid JSON from stdin at line 1/);
  });
});
