import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testToken } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBrain, type TestBrain } from './helpers.ts';

const run = promisify(execFile);

// The official MCP conformance suite, run against the brain as a standard MCP server over
// Streamable HTTP. It cannot send headers, so the token rides in `access_token`.
const SCENARIOS = ['server-initialize', 'ping', 'tools-list', 'dns-rebinding-protection'];

describe('MCP conformance suite against the brain', () => {
  let brain: TestBrain;
  let url: string;

  beforeAll(async () => {
    brain = await startTestBrain();
    url = `${brain.url}/mcp?access_token=${await testToken({ service: 'conformance', scopes: ['brain:*'] })}`;
  });
  afterAll(() => brain?.stop());

  it.each(SCENARIOS)('passes %s', async (scenario) => {
    const { stdout, stderr } = await run('pnpm', ['exec', 'conformance', 'server', '--url', url, '--scenario', scenario], {
      timeout: 60_000,
    }).catch((err: { stdout?: string; stderr?: string }) => ({ stdout: err.stdout ?? '', stderr: err.stderr ?? '' }));
    const out = `${stdout}\n${stderr}`;
    const m = /Passed: (\d+)\/(\d+), (\d+) failed/.exec(out);
    expect(m, out).not.toBeNull();
    const [, passed, total, failed] = m as RegExpExecArray;
    expect(Number(failed), out).toBe(0);
    expect(Number(passed)).toBe(Number(total));
  });
});
