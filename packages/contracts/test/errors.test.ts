import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AutomovieError, ErrorCodes, formatPath, fromZodError, isAutomovieError, toAutomovieError, WireErrorSchema } from '../src/index.ts';

describe('formatPath', () => {
  it('renders zod paths as a.b[2].c', () => {
    expect(formatPath(['a', 'b', 2, 'c'])).toBe('a.b[2].c');
    expect(formatPath([0, 'x'])).toBe('[0].x');
    expect(formatPath(['scenes', 10, 'lines', 0])).toBe('scenes[10].lines[0]');
    expect(formatPath([])).toBe('(root)');
  });
});

describe('fromZodError', () => {
  const schema = z.object({
    a: z.object({ b: z.array(z.object({ c: z.string().max(3) })) }),
    n: z.number().int(),
  });

  it('names every field by its path and rule, and lists the issues in data', () => {
    const r = schema.safeParse({ a: { b: [{ c: 'ok' }, { c: 'ok' }, { c: 'too long' }] }, n: 1.5 });
    expect(r.success).toBe(false);
    const err = fromZodError(r.error!, 'input to plan_shots');
    expect(err).toBeInstanceOf(AutomovieError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', status: 400, retryable: false });
    expect(err.message).toMatch(/^Invalid input to plan_shots: /);
    expect(err.message).toMatch(/a\.b\[2\]\.c: .*<=3/);
    expect(err.message).toMatch(/n: .*int/);
    expect(err.data).toEqual({
      issues: [
        { path: 'a.b[2].c', message: expect.stringMatching(/<=3/) },
        { path: 'n', message: expect.stringMatching(/int/) },
      ],
    });
  });

  it('keeps the message short past five issues but every issue in data', () => {
    const wide = z.object(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`f${i}`, z.string()])));
    const err = fromZodError(wide.safeParse({}).error!);
    expect(err.message).toMatch(/f4: /);
    expect(err.message).not.toMatch(/f5: /);
    expect(err.message).toMatch(/\(and 3 more\)$/);
    expect((err.data as { issues: unknown[] }).issues).toHaveLength(8);
  });

  it('takes another code (INVALID_OUTPUT) and its status', () => {
    const err = fromZodError(z.object({ x: z.number() }).safeParse({ x: 'no' }).error!, 'output of tool', 'INVALID_OUTPUT');
    expect(err).toMatchObject({ code: 'INVALID_OUTPUT', status: 502 });
    expect(err.message).toMatch(/^Invalid output of tool: x: /);
  });
});

describe('AutomovieError', () => {
  it('takes status and retryability from the registry of known codes, else 500 and not retryable', () => {
    for (const [code, meta] of Object.entries(ErrorCodes)) {
      expect(new AutomovieError(code, 'm')).toMatchObject({ code, status: meta.status, retryable: meta.retryable });
    }
    expect(new AutomovieError('BRAIN_PROJECT_NOT_FOUND', 'm')).toMatchObject({ status: 500, retryable: false });
    expect(new AutomovieError('BRAIN_PROJECT_NOT_FOUND', 'm', { status: 404 })).toMatchObject({ status: 404 });
    expect(new AutomovieError('TIMEOUT', 'm', { retryable: false }).retryable).toBe(false);
  });

  it('survives the wire: toWire → JSON → schema → fromWire keeps code, message, status, retryability and data', () => {
    const original = new AutomovieError('BRAIN_BUDGET_EXCEEDED', 'Project p1 is over budget', {
      status: 402,
      retryable: false,
      data: { projectId: 'p1', spentUsd: 12.5 },
      cause: new Error('not sent'),
    });
    const wire = WireErrorSchema.parse(JSON.parse(JSON.stringify(original.toWire())));
    expect(wire).toEqual({
      code: 'BRAIN_BUDGET_EXCEEDED',
      message: 'Project p1 is over budget',
      status: 402,
      retryable: false,
      data: { projectId: 'p1', spentUsd: 12.5 },
    });
    expect(JSON.stringify(wire)).not.toContain('not sent');
    const back = AutomovieError.fromWire(wire);
    expect(back).toBeInstanceOf(AutomovieError);
    expect(back).toMatchObject({ code: original.code, message: original.message, status: 402, retryable: false, data: original.data });
    // No data: no data key on the wire.
    expect('data' in new AutomovieError('CONFLICT', 'x').toWire()).toBe(false);
  });

  it('is recognised by its shape across realms, not only by instanceof', () => {
    expect(isAutomovieError(new AutomovieError('CONFLICT', 'x'))).toBe(true);
    expect(isAutomovieError({ code: 'CONFLICT', status: 409, retryable: false, message: 'x' })).toBe(true);
    expect(isAutomovieError({ code: 'CONFLICT', status: '409' })).toBe(false);
    expect(isAutomovieError(new Error('x'))).toBe(false);
    expect(isAutomovieError(null)).toBe(false);
  });
});

describe('toAutomovieError', () => {
  it('keeps fleet errors, converts zod errors and look-alikes, and wraps the rest as INTERNAL with the cause', () => {
    const own = new AutomovieError('CONFLICT', 'x');
    expect(toAutomovieError(own)).toBe(own);

    const zod = toAutomovieError(z.object({ a: z.string() }).safeParse({}).error);
    expect(zod).toMatchObject({ code: 'INVALID_INPUT' });
    expect(zod.message).toMatch(/a: /);

    const alike = { code: 'RATE_LIMITED', status: 429, retryable: true, message: 'slow down', data: { after: 2 } };
    expect(toAutomovieError(alike)).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryable: true,
      message: 'slow down',
      data: { after: 2 },
    });

    const cause = new TypeError('x is undefined');
    const internal = toAutomovieError(cause);
    expect(internal).toMatchObject({ code: 'INTERNAL', status: 500, message: 'Internal error: x is undefined' });
    expect(internal.cause).toBe(cause);
    expect(toAutomovieError('plain string').message).toBe('Internal error: plain string');
  });
});
