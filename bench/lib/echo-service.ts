import { defineTool } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { buildService, type Service } from '@automovie/service-kit';
import { testConfig } from '@automovie/testing';
import { pino } from 'pino';
import { z } from 'zod';

/** The bench's tool: returns its input, so the figures are the transport's cost and nothing else. */
export const echo = defineTool({
  name: 'echo',
  description: 'Returns its input (benchmark only).',
  input: z.object({ text: z.string() }),
  output: z.object({ text: z.string() }),
  readOnly: true,
});

/** The text every bench call sends: a small call, like most of the fleet's. */
export const ECHO_TEXT = 'hello from the automovie bench';

/** A full fleet service (service-kit: Fastify, auth, metrics, /mcp over WebSocket and HTTP) serving `echo`, logging nothing. */
export function buildEchoService(): Promise<Service> {
  return buildService({
    name: 'bench',
    version: '0.0.0',
    config: testConfig({ LOG_LEVEL: 'silent' }),
    logger: pino({ level: 'silent' }),
    tools: [implementTool(echo, async (input) => ({ text: input.text }))],
  });
}
