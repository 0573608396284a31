import { buildServer, loadBrainConfig } from '@automovie/brain';
import { brainCatalog, defineTool } from '@automovie/contracts';
import { implementTool, TokenAuthority } from '@automovie/mcp-ws';
import { buildService } from '@automovie/service-kit';
import {
  freePort,
  type StartedService,
  startService,
  TEST_JWT_SECRET,
  type TempDir,
  tempDir,
  testConfig,
  testToken,
} from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cliEnv, runCli } from './run-cli.ts';

/** A tool that reports progress, served under a fleet name so the CLI accepts it. */
const countUp = defineTool({
  name: 'count_up',
  description: 'Counts to n, reporting progress at each step.',
  input: z.object({ n: z.number().int().min(1).max(10) }).strict(),
  output: z.object({ counted: z.number() }),
});

describe('automovie against a live brain', () => {
  let brain: StartedService;
  let counter: StartedService;
  let data: TempDir;
  beforeAll(async () => {
    data = await tempDir();
    const config = loadBrainConfig({
      AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTOMOVIE_DATA_DIR: data.path,
    });
    brain = await startService(() => buildServer(config));
    counter = await startService(() =>
      buildService({
        name: 'story',
        version: '9.9.9',
        config: testConfig(),
        tools: [
          implementTool(countUp, async ({ n }, ctx) => {
            for (let i = 1; i <= n; i++) await ctx.progress({ progress: i, total: n, message: `step ${i}` });
            return { counted: n };
          }),
        ],
      }),
    );
  });
  afterAll(async () => {
    await brain?.stop();
    await counter?.stop();
    await data?.remove();
  });

  it('call brain whoami {} prints the JSON result on one line and exits 0', async () => {
    const r = await runCli(['call', 'brain', 'whoami', '{}', '--url', brain.mcpUrl]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1); // stdout is a pipe: compact JSON
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ service: 'brain', version: '0.1.0', instanceId: brain.service.instanceId });
    // No token given: the CLI minted its short-lived operator token from AUTOMOVIE_JWT_SECRET.
    expect(out.principal).toMatchObject({ kind: 'service', sub: 'cli', scopes: ['*'] });
  });

  it('finds the service from AUTOMOVIE_BRAIN_URL, takes AUTOMOVIE_TOKEN, and reads arguments from stdin', async () => {
    const token = await testToken({ service: 'ops', scopes: ['brain:whoami'] });
    const r = await runCli(['call', 'brain', 'whoami', '-'], {
      env: cliEnv({ AUTOMOVIE_BRAIN_URL: brain.mcpUrl, AUTOMOVIE_TOKEN: token }),
      input: '{}\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).principal).toMatchObject({ sub: 'ops', scopes: ['brain:whoami'] });
  });

  it('a token without the scope exits 1 with FORBIDDEN on stderr (and as JSON with --json)', async () => {
    const token = await testToken({ service: 'story', scopes: ['story:*'] });
    const r = await runCli(['call', 'brain', 'whoami', '--url', brain.mcpUrl, '--token', token]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('FORBIDDEN: Forbidden: the token of story lacks scope brain:whoami\n');

    const j = await runCli(['call', 'brain', 'whoami', '--url', brain.mcpUrl, '--token', token, '--json']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stderr)).toMatchObject({ code: 'FORBIDDEN', status: 403, data: { required: 'brain:whoami' } });
  });

  it('a token signed with another secret exits 1 with UNAUTHENTICATED', async () => {
    const token = await new TokenAuthority('another-secret-that-is-long-enough-0123456789').mint({ service: 'x', scopes: ['*'] });
    const r = await runCli(['call', 'brain', 'whoami', '--url', brain.mcpUrl, '--token', token]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^UNAUTHENTICATED: Cannot connect to .*token signature invalid/);
  });

  it('an unknown tool and invalid arguments are remote errors (exit 1) that say what is wrong', async () => {
    const unknown = await runCli(['call', 'brain', 'no_such_tool', '--url', brain.mcpUrl]);
    expect(unknown.code).toBe(1);
    const names = Object.keys(brainCatalog.tools).join(', ');
    expect(unknown.stderr).toBe(`UNKNOWN_TOOL: Unknown tool "no_such_tool" on service brain\n  tools of this service: ${names}\n`);
    const invalid = await runCli(['call', 'brain', 'whoami', '{"x":1}', '--url', brain.mcpUrl]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/^INVALID_INPUT: Invalid input to whoami: .*Unrecognized key: "x"/);
  });

  it('an unreachable URL exits 3 with CONNECTION_LOST', async () => {
    const port = await freePort();
    const r = await runCli(['call', 'brain', 'whoami', '--url', `ws://127.0.0.1:${port}/mcp`]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(new RegExp(`^CONNECTION_LOST: Cannot connect to ws://127\\.0\\.0\\.1:${port}/mcp: .*ECONNREFUSED`));
  });

  it('prints progress notifications on stderr and the result on stdout', async () => {
    const r = await runCli(['call', 'story', 'count_up', '{"n": 3}', '--url', counter.mcpUrl]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ counted: 3 });
    expect(r.stderr).toBe('progress 1/3 (33%) step 1\nprogress 2/3 (67%) step 2\nprogress 3/3 (100%) step 3\n');
  });

  it('tools brain lists every tool with its description and input; --json prints the raw list', async () => {
    const r = await runCli(['tools', 'brain', '--url', brain.mcpUrl]);
    expect(r.code).toBe(0);
    const count = Object.keys(brainCatalog.tools).length;
    expect(r.stdout).toContain(`brain: ${count} tools\n`);
    expect(r.stdout).toMatch(
      /^semantic_search {2}\[read-only\]\n {2}Searches the project's indexed text.*\n {2}input:\n {4}projectId: string \(required\)$/m,
    );
    expect(r.stdout).toMatch(/^whoami {2}\[read-only\]\n {2}Who this service is and who is calling.*\n {2}input:\n {4}\(no input\)$/m);

    const story = await runCli(['tools', 'story', '--url', counter.mcpUrl]);
    expect(story.stdout).toContain('count_up\n  Counts to n, reporting progress at each step.\n  input:\n    n: integer (required)\n');

    const j = await runCli(['tools', 'brain', '--url', brain.mcpUrl, '--json']);
    expect(j.code).toBe(0);
    const tools = JSON.parse(j.stdout) as { name: string; inputSchema: { type: string } }[];
    expect(tools.map((t) => t.name).sort()).toEqual(Object.keys(brainCatalog.tools).sort());
    expect(tools.every((t) => t.inputSchema.type === 'object')).toBe(true);
  });

  it('token prints a JWT that verifies and that the brain accepts', async () => {
    const r = await runCli(['token', '--sub', 'orchestrator', '--scopes', 'brain:whoami', '--user', 'u-7', '--ttl', '10m']);
    expect(r.code).toBe(0);
    const token = r.stdout.trim();
    const p = await new TokenAuthority(TEST_JWT_SECRET).verify(token);
    expect(p).toMatchObject({ kind: 'user', sub: 'user:u-7', service: 'orchestrator', userId: 'u-7', scopes: ['brain:whoami'] });

    const call = await runCli(['call', 'brain', 'whoami', '--url', brain.mcpUrl, '--token', token]);
    expect(call.code).toBe(0);
    expect(JSON.parse(call.stdout).principal).toMatchObject({ sub: 'user:u-7', userId: 'u-7' });
  });

  it('token refuses a bad scope with exit 2, naming it and the rule', async () => {
    const r = await runCli(['token', '--sub', 'cli', '--scopes', 'brain:whoami,story']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Invalid scope "story" (item 2 of --scopes): a scope is "*", "service:*"');
  });
});
