import { AutomovieError } from '@automovie/contracts';
import { describe, expect, it } from 'vitest';
import { connectError } from '../src/connect.ts';
import { CliError, ExitCodes, exitCodeFor, formatError, RemoteError } from '../src/errors.ts';

describe('exit codes', () => {
  it('maps CLI errors by their code, lost connections to 3, other fleet errors to 1', () => {
    expect(exitCodeFor(new CliError('CLI_INVALID_JSON', 'x'))).toBe(ExitCodes.USAGE);
    expect(exitCodeFor(new CliError('CLI_PORT_IN_USE', 'x'))).toBe(ExitCodes.FAILURE);
    expect(exitCodeFor(new AutomovieError('CONNECTION_LOST', 'x'))).toBe(ExitCodes.CONNECTION);
    expect(exitCodeFor(new AutomovieError('FORBIDDEN', 'x'))).toBe(ExitCodes.FAILURE);
    expect(exitCodeFor(new Error('boom'))).toBe(ExitCodes.FAILURE);
  });

  it('treats failing to reach a service as a connection failure, and a refused token as a remote error', () => {
    const target = { service: 'brain' as const, url: 'ws://127.0.0.1:4100/mcp', overridden: false };
    for (const code of ['CONNECTION_LOST', 'UNAVAILABLE', 'NOT_FOUND']) {
      const e = connectError(new AutomovieError(code, 'Cannot connect'), target);
      expect(e.code).toBe(code);
      expect(exitCodeFor(e)).toBe(ExitCodes.CONNECTION);
      expect(e.message).toContain('automovie status');
    }
    const overridden = connectError(new AutomovieError('CONNECTION_LOST', 'Cannot connect'), { ...target, overridden: true });
    expect(overridden.message).toBe('Cannot connect');
    const auth = connectError(new AutomovieError('UNAUTHENTICATED', 'Unauthenticated: token expired'), target);
    expect(exitCodeFor(auth)).toBe(ExitCodes.FAILURE);
    expect(auth.message).toContain('AUTOMOVIE_JWT_SECRET');
  });
});

describe('formatError', () => {
  it('prints CODE: message, with the tools of the service for an unknown tool', () => {
    expect(formatError(new AutomovieError('FORBIDDEN', 'Forbidden: lacks brain:whoami'))).toBe(
      'FORBIDDEN: Forbidden: lacks brain:whoami\n',
    );
    expect(formatError(new AutomovieError('UNKNOWN_TOOL', 'Unknown tool "x"', { data: { tools: ['whoami', 'get_node'] } }))).toBe(
      'UNKNOWN_TOOL: Unknown tool "x"\n  tools of this service: whoami, get_node\n',
    );
    expect(formatError(new Error('boom'))).toBe('INTERNAL: Internal error: boom\n');
  });

  it('prints the error object as one JSON line with --json', () => {
    const e = new RemoteError(new AutomovieError('FORBIDDEN', 'no', { data: { required: 'brain:whoami' } }), 1);
    expect(JSON.parse(formatError(e, { json: true }))).toEqual({
      code: 'FORBIDDEN',
      message: 'no',
      status: 403,
      retryable: false,
      data: { required: 'brain:whoami' },
    });
  });
});
