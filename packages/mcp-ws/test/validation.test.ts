import { AutomovieError, defineTool, ERROR_META_KEY } from '@automovie/contracts';
import { type StartedService, testToken } from '@automovie/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { McpClient } from '../src/index.ts';
import { broken, Cleanup, echo, missing, startTestService } from './helpers.ts';

/** Inputs are checked on both sides of the wire with errors that name the field and the rule. */
describe('validation and tool errors', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let token: string;
  let client: McpClient;

  beforeEach(async () => {
    svc = cleanup.add(await startTestService(), (s) => s.stop());
    token = await testToken();
    client = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
  });
  afterEach(() => cleanup.run());

  async function echoCallsCounted(): Promise<string[]> {
    const { body } = await svc.service.metrics.render();
    return body.split('\n').filter((l) => l.startsWith('automovie_mcp_calls_total{') && l.includes('tool="echo"'));
  }

  it('McpClient refuses bad input before sending, naming the field and the rule', async () => {
    const err = await client.call(echo, { text: 5 as unknown as string }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutomovieError);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', status: 400, retryable: false });
    expect((err as Error).message).toMatch(/^Invalid input to echo: text: .*expected string, received number/);
    expect((err as AutomovieError).data).toEqual({ issues: [{ path: 'text', message: expect.stringMatching(/expected string/) }] });

    const tooMany = await client.call(echo, { text: 'x', times: 50 }).catch((e: unknown) => e);
    expect((tooMany as Error).message).toMatch(/times: .*<=10/);
    // Nothing reached the server.
    expect(await echoCallsCounted()).toEqual([]);
    expect(client.connects).toBe(0);
  });

  it('the server refuses bad input from a client that does not validate (McpClient.callTool)', async () => {
    const err = await client.callTool('echo', { text: 'ok', times: 'many' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_INPUT', status: 400 });
    expect((err as Error).message).toMatch(/^Invalid input to echo: times: .*expected number, received string/);
    expect((err as AutomovieError).data).toMatchObject({ issues: [{ path: 'times' }] });
    expect((await echoCallsCounted()).join('\n')).toContain('outcome="invalid_input"');
  });

  it('the server refuses bad input from the raw SDK client, as a tool error naming the field and rule', async () => {
    const sdk = cleanup.add(new Client({ name: 'raw-sdk', version: '1.0.0' }), (c) => c.close());
    await sdk.connect(new WebSocketClientTransport(new URL(`${svc.mcpUrl}?access_token=${token}`)));
    const result = await sdk.callTool({ name: 'echo', arguments: { text: 5 } });
    expect(result.isError).toBe(true);
    const text = (result.content as { type: string; text: string }[])[0]?.text;
    expect(text).toMatch(/^INVALID_INPUT: Invalid input to echo: text: .*expected string, received number/);
    expect(result._meta?.[ERROR_META_KEY]).toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
      retryable: false,
      data: { issues: [{ path: 'text' }] },
    });

    const missingField = await sdk.callTool({ name: 'echo', arguments: {} });
    expect((missingField.content as { text: string }[])[0]?.text).toMatch(/text: .*expected string, received undefined/);

    const unknown = await sdk.callTool({ name: 'no_such_tool', arguments: {} }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(McpError);
    expect((unknown as McpError).data).toMatchObject({ code: 'UNKNOWN_TOOL' });
  });

  it('an unknown tool is UNKNOWN_TOOL, naming the tool and the service', async () => {
    const err = await client.callTool('no_such_tool', {}).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'UNKNOWN_TOOL', status: 404, retryable: false });
    expect((err as Error).message).toMatch(/no_such_tool/);
    expect((err as Error).message).toMatch(/testsvc/);
    expect((err as AutomovieError).data).toMatchObject({ tools: expect.arrayContaining(['echo', 'whoami']) });
  });

  it('a tool’s own AutomovieError crosses the wire with its code, status and data', async () => {
    const err = await client.call(missing, { id: 'p-9' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutomovieError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', status: 404, retryable: false, message: 'No thing with id p-9', data: { id: 'p-9' } });
  });

  it('a tool that breaks its output contract gives INVALID_OUTPUT; one that throws a plain Error gives INTERNAL', async () => {
    const bad = await client.call(broken, { mode: 'output' }).catch((e: unknown) => e);
    expect(bad).toMatchObject({ code: 'INVALID_OUTPUT', status: 502 });
    expect((bad as Error).message).toMatch(/output of broken: n: .*expected number/);

    const crash = await client.call(broken, { mode: 'throw' }).catch((e: unknown) => e);
    expect(crash).toMatchObject({ code: 'INTERNAL', status: 500 });
    expect((crash as Error).message).toMatch(/boom at line 1/);
  });

  it('McpClient validates results against its own contract (INVALID_OUTPUT when the server disagrees)', async () => {
    const stale = defineTool({
      name: 'echo',
      description: 'An older contract of echo whose output was a number.',
      input: z.object({ text: z.string() }),
      output: z.object({ text: z.number() }),
    });
    const err = await client.call(stale, { text: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_OUTPUT' });
    expect((err as Error).message).toContain(`output of echo from ${svc.mcpUrl}`);
    expect((err as Error).message).toMatch(/text: .*expected number/);
  });
});
