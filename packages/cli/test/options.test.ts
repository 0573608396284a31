import { describe, expect, it } from 'vitest';
import { CliError, ExitCodes } from '../src/errors.ts';
import {
  parseLogLevel,
  parseScopes,
  parseServiceList,
  parseServiceName,
  parseSubject,
  parseTimeout,
  parseToolName,
  parseTtl,
  unknownScopeServices,
} from '../src/options.ts';

function thrown(fn: () => unknown): CliError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CliError);
    return err as CliError;
  }
  throw new Error('expected a CliError');
}

describe('parseScopes', () => {
  it('accepts every scope form, trims and drops duplicates and empties', () => {
    expect(parseScopes(' brain:* , story:develop_story,,brain:graph.read,*,brain:*')).toEqual([
      'brain:*',
      'story:develop_story',
      'brain:graph.read',
      '*',
    ]);
  });

  it('names the bad scope, its place in the list and the rule, as a usage error', () => {
    const e = thrown(() => parseScopes('brain:*,Brain:whoami'));
    expect(e.code).toBe('CLI_INVALID_SCOPE');
    expect(e.exitCode).toBe(ExitCodes.USAGE);
    expect(e.message).toContain('"Brain:whoami"');
    expect(e.message).toContain('item 2');
    expect(e.message).toContain('a scope is "*", "service:*", "service:tool_name" or "service:group.name"');
  });

  it.each(['brain', 'brain:', ':whoami', 'brain:Who', 'brain:*:x', '**'])('refuses %j', (scope) => {
    expect(thrown(() => parseScopes(scope)).message).toContain(`"${scope}"`);
  });

  it('refuses an empty list', () => {
    expect(thrown(() => parseScopes(' , ')).message).toMatch(/at least one scope/);
  });

  it('finds scopes for services the fleet does not have', () => {
    expect(unknownScopeServices(['*', 'brain:*', 'storyy:x', 'storyy:y', 'qa:*'])).toEqual(['storyy', 'qa']);
  });
});

describe('parseServiceName', () => {
  it('accepts fleet services', () => {
    expect(parseServiceName('gpu-tasks')).toBe('gpu-tasks');
  });

  it('refuses others, listing the known services and suggesting a near one', () => {
    const e = thrown(() => parseServiceName('brian'));
    expect(e.code).toBe('CLI_UNKNOWN_SERVICE');
    expect(e.exitCode).toBe(ExitCodes.USAGE);
    expect(e.message).toContain('Did you mean brain?');
    expect(e.message).toContain('Known services: frontend, brain, orchestrator, gpu-tasks, story');
    expect(thrown(() => parseServiceName('zzzzzzzz')).message).not.toContain('Did you mean');
  });

  it('parses lists, refusing unknown names and empty lists', () => {
    expect(parseServiceList('brain, story,brain')).toEqual(['brain', 'story']);
    expect(thrown(() => parseServiceList('brain,nope')).code).toBe('CLI_UNKNOWN_SERVICE');
    expect(thrown(() => parseServiceList(',')).code).toBe('CLI_USAGE');
  });
});

describe('scalar options', () => {
  it('parses --ttl in seconds or with a unit', () => {
    expect(parseTtl('90')).toBe(90);
    expect(parseTtl('90s')).toBe(90);
    expect(parseTtl('15m')).toBe(900);
    expect(parseTtl('1h')).toBe(3600);
    expect(parseTtl('7d')).toBe(604_800);
    for (const bad of ['0', '1y', '-5m', 'h', '1.5h', '400d', '']) expect(thrown(() => parseTtl(bad)).message).toContain('--ttl');
  });

  it('parses --timeout as whole milliseconds', () => {
    expect(parseTimeout('2500')).toBe(2500);
    for (const bad of ['0', '1.5', 'abc', '-1', '99999999999']) expect(thrown(() => parseTimeout(bad)).code).toBe('CLI_USAGE');
  });

  it('checks tool names, subjects and log levels', () => {
    expect(parseToolName('whoami')).toBe('whoami');
    expect(thrown(() => parseToolName('Who-Am-I')).message).toContain('snake_case');
    expect(parseSubject('orchestrator')).toBe('orchestrator');
    expect(thrown(() => parseSubject('two words')).message).toContain('--sub');
    expect(thrown(() => parseSubject('x'.repeat(101))).code).toBe('CLI_USAGE');
    expect(parseLogLevel('debug')).toBe('debug');
    expect(thrown(() => parseLogLevel('loud')).message).toContain('fatal, error, warn, info');
  });
});
