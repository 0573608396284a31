import { whoami } from '@automovie/contracts';
import { type StartedService, testToken } from '@automovie/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { McpClient } from '../src/index.ts';
import { Cleanup, echo, SERVICE, startTestService } from './helpers.ts';

/** Standard MCP clients (the SDK's own) and ours reach a service over both transports. */
describe('interop', () => {
  const cleanup = new Cleanup();
  let svc: StartedService;
  let token: string;

  beforeEach(async () => {
    svc = cleanup.add(await startTestService(), (s) => s.stop());
    token = await testToken({ service: 'interop', scopes: [`${SERVICE}:*`] });
  });
  afterEach(() => cleanup.run());

  async function sdkRoundTrip(client: Client): Promise<void> {
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name).sort();
    expect(names).toEqual(['big', 'broken', 'echo', 'flood', 'grouped', 'missing', 'slow', 'whoami']);
    const listed = tools.find((t) => t.name === 'echo');
    expect(listed?.inputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } }, required: ['text'] });
    expect(listed?.outputSchema).toMatchObject({ type: 'object', properties: { text: { type: 'string' } } });

    const result = await client.callTool({ name: 'echo', arguments: { text: 'ab', times: 3 } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ text: 'ababab' });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ text: 'ababab' }) }]);

    const me = await client.callTool({ name: 'whoami', arguments: {} });
    expect(me.structuredContent).toMatchObject({ service: SERVICE, version: '1.2.3', principal: { kind: 'service', sub: 'interop' } });
  }

  it("the SDK's Client over the SDK's WebSocketClientTransport (token in ?access_token=) lists and calls tools", async () => {
    const client = cleanup.add(new Client({ name: 'sdk-ws', version: '1.0.0' }), (c) => c.close());
    const url = new URL(svc.mcpUrl);
    url.searchParams.set('access_token', token);
    await client.connect(new WebSocketClientTransport(url));
    expect(client.getServerVersion()).toMatchObject({ name: SERVICE, version: '1.2.3' });
    expect(svc.service.endpoint.connections).toBe(1);
    await sdkRoundTrip(client);
  });

  it("the SDK's Client over the SDK's StreamableHTTPClientTransport (Authorization header) lists and calls tools", async () => {
    const client = cleanup.add(new Client({ name: 'sdk-http', version: '1.0.0' }), (c) => c.close());
    const transport = new StreamableHTTPClientTransport(new URL(`${svc.url}/mcp`), {
      requestInit: { headers: { Authorization: `Bearer ${token}` } },
    });
    await client.connect(transport);
    expect(client.getServerVersion()).toMatchObject({ name: SERVICE });
    await sdkRoundTrip(client);
    // Stateless HTTP: no socket stays open once the requests are answered.
    expect(svc.service.endpoint.connections).toBe(0);
  });

  it('McpClient calls through the contract (typed and validated), by name, and lists tools', async () => {
    const client = cleanup.add(new McpClient({ url: svc.mcpUrl, token }), (c) => c.close());
    const out = await client.call(echo, { text: 'hi', times: 2 });
    // `out` is typed by the contract: `out.text` is a string.
    const text: string = out.text;
    expect(text).toBe('hihi');
    // Defaults of the input schema are applied before sending.
    expect(await client.call(echo, { text: 'once' })).toEqual({ text: 'once' });

    expect(await client.callTool('echo', { text: 'raw' })).toEqual({ text: 'raw' });

    const tools = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('slow');
    expect(tools.find((t) => t.name === 'whoami')?.annotations?.readOnlyHint).toBe(true);

    const me = await client.call(whoami, {});
    expect(me.principal).toMatchObject({ kind: 'service', service: 'interop', scopes: [`${SERVICE}:*`] });
    expect(me.instanceId).toBe(svc.service.instanceId);
    expect(client.connects).toBe(1);
    expect(client.state).toBe('open');
  });

  it('McpClient takes a token function and calls it at connect', async () => {
    let asked = 0;
    const client = cleanup.add(
      new McpClient({
        url: svc.mcpUrl,
        token: async () => {
          asked++;
          return token;
        },
      }),
      (c) => c.close(),
    );
    await client.connect();
    expect(asked).toBe(1);
    expect(await client.call(echo, { text: 'x' })).toEqual({ text: 'x' });
  });
});
