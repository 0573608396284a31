import { TEST_JWT_SECRET, testToken } from '@automovie/testing';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { WebSocketClientTransport } from '@modelcontextprotocol/sdk/client/websocket.js';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { Cleanup, LogCapture, startTestService, waitFor } from './helpers.ts';

/** Opens a raw WebSocket and resolves with the upgrade status (101 when it opened). */
function upgradeStatus(url: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, 'mcp');
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      ws.terminate();
    });
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => {});
  });
}

/** A token in the query string and the fleet secret never reach the logs, on any path. */
describe('tokens are never logged', () => {
  const cleanup = new Cleanup();
  afterEach(() => cleanup.run());

  it('keeps query-string tokens (good, bad, oddly encoded) and the secret out of every log line', async () => {
    const logs = new LogCapture();
    const svc = cleanup.add(await startTestService({ logs }), (s) => s.stop());
    const good = await testToken({ service: 'logged' });
    const expired = await testToken({ service: 'logged', ttl: -60 });
    const base = svc.mcpUrl;

    // The SDK's WebSocket client: token in the query string, accepted, and a call made.
    const sdk = new Client({ name: 'sdk', version: '1.0.0' });
    await sdk.connect(new WebSocketClientTransport(new URL(`${base}?access_token=${good}`)));
    expect((await sdk.callTool({ name: 'echo', arguments: { text: 'a' } })).structuredContent).toEqual({ text: 'a' });
    await sdk.close();

    // Refused upgrades: an expired token, and a token whose parameter name is percent-encoded.
    expect(await upgradeStatus(`${base}?access_token=${expired}`)).toBe(401);
    expect(await upgradeStatus(`${base}?x=1&access%5Ftoken=${good}&y=2`)).toBe(101);
    expect(await upgradeStatus(`${base}?ACCESS_TOKEN=${expired}`)).toBe(401);

    // HTTP: a POST with the token in the query string, an unknown route, a refused POST.
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
    };
    expect((await fetch(`${svc.url}/mcp?access_token=${good}`, init)).status).toBe(200);
    expect((await fetch(`${svc.url}/mcp?access_token=${expired}`, init)).status).toBe(401);
    expect((await fetch(`${svc.url}/nowhere?access_token=${good}`)).status).toBe(404);
    expect((await fetch(`${svc.url}/nowhere?access%5Ftoken=${expired}`)).status).toBe(404);

    await waitFor(() => logs.text.includes('websocket upgrade refused'), 2000, 'the refusal log line');
    await svc.stop();

    const text = logs.text;
    // The paths above were logged (so the assertion below is not vacuous)…
    expect(text).toContain('websocket upgrade refused');
    expect(text).toContain('/nowhere');
    expect(text).toContain('[REDACTED]');
    // …but no token, nor any of its three parts, nor the secret.
    for (const token of [good, expired]) {
      expect(text).not.toContain(token);
      for (const part of token.split('.')) expect(text).not.toContain(part);
    }
    expect(text).not.toContain(TEST_JWT_SECRET);
  });
});
