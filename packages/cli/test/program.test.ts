import { createServer, type Server } from 'node:net';
import { TokenAuthority } from '@automovie/mcp-ws';
import { TEST_JWT_SECRET } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { run } from '../src/program.ts';
import { memoryIo } from './memory-io.ts';

const env = { AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET };

describe('automovie (in-process)', () => {
  // A port where nothing answers: proves a command failed before (or while) connecting.
  let closedPort: number;
  let holder: Server;
  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r));
    closedPort = (holder.address() as { port: number }).port;
    await new Promise<void>((r) => holder.close(() => r()));
  });
  afterAll(() => {
    holder.close();
  });
  const nowhere = () => `ws://127.0.0.1:${closedPort}/mcp`;

  it('prints its version and help, exit 0', async () => {
    let io = memoryIo();
    expect(await run(['--version'], io)).toBe(0);
    expect(io.out()).toBe(`${pkg.version}\n`);
    io = memoryIo();
    expect(await run(['--help'], io)).toBe(0);
    for (const cmd of ['call', 'tools', 'token', 'up', 'status', 'demo']) expect(io.out()).toMatch(new RegExp(`^  ${cmd} `, 'm'));
    expect(io.out()).toContain('Exit codes: 0 ok, 1 failed');
    io = memoryIo();
    expect(await run(['call', '--help'], io)).toBe(0);
    expect(io.out()).toContain('Usage: automovie call [options] <service> <tool> [json]');
    expect(io.out()).toContain('--timeout <ms>');
  });

  it('treats a bad command line as a usage error (exit 2)', async () => {
    for (const argv of [[], ['cal', 'brain', 'whoami'], ['call'], ['call', 'brain', 'whoami', '{}', 'extra'], ['status', '--bogus']]) {
      const io = memoryIo();
      expect(await run(argv, io), argv.join(' ')).toBe(2);
      expect(io.out()).toBe('');
    }
    const io = memoryIo();
    await run(['cal'], io);
    expect(io.err()).toContain("CLI_USAGE: unknown command 'cal'");
    expect(io.err()).toContain('(Did you mean call?)');
  });

  it('refuses an unknown service, listing the known ones', async () => {
    const io = memoryIo({ env });
    expect(await run(['call', 'brian', 'whoami'], io)).toBe(2);
    expect(io.err()).toMatch(/^CLI_UNKNOWN_SERVICE: Unknown service "brian"\. Did you mean brain\? Known services: frontend, brain,/);
  });

  it('refuses bad JSON before connecting, naming the position', async () => {
    const io = memoryIo({ env });
    expect(await run(['call', 'brain', 'whoami', '{"a":1,}', '--url', nowhere()], io)).toBe(2);
    expect(io.err()).toMatch(/^CLI_INVALID_JSON: Invalid JSON argument at line 1, column 8 \(position 7\)/);
  });

  it('prints errors as JSON with --json', async () => {
    const io = memoryIo({ env });
    expect(await run(['call', 'brain', 'whoami', '[]', '--json'], io)).toBe(2);
    expect(JSON.parse(io.err())).toMatchObject({ code: 'CLI_INVALID_JSON', status: 400 });
  });

  it('reads the JSON from stdin with -, then fails to connect with exit 3', async () => {
    let io = memoryIo({ env, stdin: '{"a": }' });
    expect(await run(['call', 'brain', 'whoami', '-', '--url', nowhere()], io)).toBe(2);
    expect(io.err()).toMatch(/^CLI_INVALID_JSON: Invalid JSON from stdin at line 1, column 7/);
    io = memoryIo({ env, stdin: '{}' });
    expect(await run(['call', 'brain', 'whoami', '-', '--url', nowhere()], io)).toBe(3);
    expect(io.err()).toMatch(/^CONNECTION_LOST: Cannot connect to ws:\/\/127\.0\.0\.1:\d+\/mcp/);
    expect(io.err()).not.toContain('automovie status'); // --url given: no local-fleet hint
  });

  it('checks --url, --timeout and the tool name', async () => {
    for (const [argv, pattern] of [
      [['call', 'brain', 'whoami', '--url', 'http://x/mcp'], /starts with ws:\/\/ or wss:\/\//],
      [['call', 'brain', 'whoami', '--url', 'not a url'], /Invalid URL "not a url"/],
      [['call', 'brain', 'whoami', '--timeout', '5s'], /Invalid --timeout "5s"/],
      [['call', 'brain', 'WhoAmI'], /Invalid tool name "WhoAmI"/],
      [['tools', 'nope'], /Unknown service "nope"/],
    ] as const) {
      const io = memoryIo({ env });
      expect(await run([...argv], io), argv.join(' ')).toBe(2);
      expect(io.err()).toMatch(pattern);
    }
  });

  it('uses AUTOMOVIE_<SERVICE>_URL when no --url is given', async () => {
    const io = memoryIo({ env: { ...env, AUTOMOVIE_GPU_TASKS_URL: nowhere() } });
    expect(await run(['call', 'gpu-tasks', 'queue_stats'], io)).toBe(3);
    expect(io.err()).toContain(`Cannot connect to ${nowhere()}`);
  });

  it('mints a token that verifies, with the claims asked for', async () => {
    const io = memoryIo({ env });
    expect(await run(['token', '--sub', 'frontend', '--scopes', 'brain:whoami, story:*', '--user', 'u-42', '--ttl', '15m'], io)).toBe(0);
    expect(io.err()).toBe('');
    const p = await new TokenAuthority(TEST_JWT_SECRET).verify(io.out().trim());
    expect(p).toMatchObject({ kind: 'user', sub: 'user:u-42', service: 'frontend', userId: 'u-42', scopes: ['brain:whoami', 'story:*'] });
    expect(p.expiresAt! - Math.floor(Date.now() / 1000)).toBeGreaterThan(890);
    expect(p.expiresAt! - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(900);
  });

  it('refuses a bad scope with exit 2, naming the scope and the rule; warns on unknown services', async () => {
    let io = memoryIo({ env });
    expect(await run(['token', '--sub', 'cli', '--scopes', 'brain:*,brain:WhoAmI'], io)).toBe(2);
    expect(io.out()).toBe('');
    expect(io.err()).toBe(
      'CLI_INVALID_SCOPE: Invalid scope "brain:WhoAmI" (item 2 of --scopes): a scope is "*", "service:*", "service:tool_name" or "service:group.name"\n',
    );
    io = memoryIo({ env });
    expect(await run(['token', '--sub', 'cli', '--scopes', 'braine:*'], io)).toBe(0);
    expect(io.err()).toContain('warning: no fleet service is named "braine"');
    io = memoryIo({ env });
    expect(await run(['token', '--scopes', '*'], io)).toBe(2);
    expect(io.err()).toContain("required option '--sub <name>' not specified");
  });

  it('says where a secret comes from when there is none', async () => {
    const io = memoryIo({ env: {} });
    expect(await run(['token', '--sub', 'cli', '--scopes', '*', '--data-dir', '/nonexistent/automovie-data'], io)).toBe(2);
    expect(io.err()).toMatch(/^CLI_NO_CREDENTIALS: No fleet secret to sign with: set AUTOMOVIE_JWT_SECRET, or run `automovie up`/);
  });

  it('checks up and demo arguments before starting anything', async () => {
    let io = memoryIo({ env });
    expect(await run(['up', '--services', 'brain,brainz'], io)).toBe(2);
    expect(io.err()).toContain('Unknown service "brainz"');
    io = memoryIo({ env });
    expect(await run(['up', '--log-level', 'loud'], io)).toBe(2);
    io = memoryIo({ env });
    expect(await run(['demo', '   '], io)).toBe(2);
    expect(io.err()).toContain('The idea is empty');
    io = memoryIo({ env });
    expect(await run(['demo', 'a storm', '--duration', '4'], io)).toBe(2);
    expect(io.err()).toContain('Invalid --duration "4": a whole number of seconds between 5 and 3600');
    io = memoryIo({ env });
    expect(await run(['demo', 'a storm', '--style', ' '], io)).toBe(2);
    expect(io.err()).toContain('Invalid --style');
  });
});
