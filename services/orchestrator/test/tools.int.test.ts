import { randomUUID } from 'node:crypto';
import {
  add_member,
  cancel_run,
  create_project,
  get_run,
  list_runs,
  type Progress,
  resume_run,
  retry_step,
  start_run,
} from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type RedisServer, type StartedService, startRedis, startService, TEST_JWT_SECRET, testToken } from '@automovie/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, loadOrchestratorConfig } from '../src/server.ts';
import { choiceStep, type StepDef, workStep } from '../src/steps/types.ts';
import { type ChildService, runEvents, silent, startChild } from './helpers.ts';

/*
 * The orchestrator's MCP tools, in-process, with a real brain as a child process deciding who may
 * use which project, over test steps that sleep and report progress.
 */

let redisServer: RedisServer;
let redis: Redis;
let brain: ChildService;
let orchestrator: StartedService;
let empty: StartedService;
let projectId: string;
const clients: McpClient[] = [];

function clientFor(url: string, userId?: string): McpClient {
  const c = new McpClient({ url, token: () => testToken(userId === undefined ? {} : { userId }), timeoutMs: 20_000 });
  clients.push(c);
  return c;
}

const steps: StepDef[] = [
  workStep({
    name: 'outline',
    input: (run) => ({ idea: run.idea, runId: run.runId }),
    async run(input, ctx) {
      for (let i = 1; i <= 5; i++) {
        await new Promise((r) => setTimeout(r, 40));
        ctx.progress(i / 5, `beat ${i}`);
      }
      return { beats: 5, words: input.idea.split(' ').length };
    },
  }),
  choiceStep({
    name: 'pick',
    prompt: 'Pick an outline',
    options: () => [
      { title: 'First', summary: 'one' },
      { title: 'Second', summary: 'two' },
    ],
  }),
  workStep({
    name: 'draft',
    input: (run) => ({ outline: run.outputs.outline, pick: run.choices.pick, runId: run.runId }),
    async run(input) {
      return { pages: 3, pick: input.pick };
    },
  }),
];

async function startOrchestrator(stepDefs: StepDef[]): Promise<StartedService> {
  const config = loadOrchestratorConfig({
    AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    REDIS_URL: redisServer.url,
    AUTOMOVIE_BRAIN_URL: brain.mcpUrl,
    ORCHESTRATOR_KEY_PREFIX: `tools${randomUUID().slice(0, 8)}:`,
    RUN_SWEEP_MS: '100',
  });
  return startService(() => buildServer(config, { steps: stepDefs, logger: silent }));
}

beforeAll(async () => {
  redisServer = await startRedis();
  redis = new Redis(redisServer.url);
  brain = await startChild('brain', { REDIS_URL: redisServer.url });
  const owner = clientFor(brain.mcpUrl, 'u-owner');
  ({
    project: { id: projectId },
  } = await owner.call(create_project, { name: 'Lighthouse' }));
  await owner.call(add_member, { projectId, userId: 'u-viewer', role: 'viewer' });
  await owner.call(add_member, { projectId, userId: 'u-writer', role: 'writer' });
  orchestrator = await startOrchestrator(steps);
  empty = await startOrchestrator([]);
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await orchestrator?.stop();
  await empty?.stop();
  await brain?.stop();
  await redis?.quit();
  await redisServer?.stop();
});

describe('orchestrator tools', () => {
  it('start_run with waitMs reports progress and returns the finished run; run.* events are on the stream', async () => {
    const writer = clientFor(orchestrator.mcpUrl, 'u-writer');
    const seen: Progress[] = [];
    const { run } = await writer.call(
      start_run,
      { projectId, idea: 'a lighthouse keeper finds a map', options: { autopilot: true }, waitMs: 20_000 },
      { onProgress: (p) => seen.push(p) },
    );
    expect(run.state).toBe('completed');
    expect(run.startedBy).toBe('u-writer');
    expect(run.options).toEqual({ autopilot: true, targetDurationS: 60 });
    expect(run.steps.map((s) => s.state)).toEqual(['completed', 'completed', 'completed']);
    expect(run.steps[2]?.outputSummary).toBe('{"pages":3,"pick":0}');
    expect(run).not.toHaveProperty('thread');
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen.every((p) => p.total === 3)).toBe(true);
    expect(seen.map((p) => p.progress)).toEqual([...seen.map((p) => p.progress)].sort((a, b) => a - b));
    expect(seen.some((p) => p.message?.includes('outline') && p.message.includes('beat'))).toBe(true);
    expect(seen.at(-1)?.progress).toBe(3);

    const types = (await runEvents(redis, run.id)).map((e) => e.type);
    expect(types[0]).toBe('run.queued');
    expect(types[1]).toBe('run.started');
    expect(types).toContain('run.progress');
    expect(types.filter((t) => t === 'run.step_completed')).toHaveLength(2);
    expect(types).toContain('run.resumed');
    expect(types.at(-1)).toBe('run.completed');
  });

  it('pauses for a choice, resume_run continues it; get_run and list_runs show it', async () => {
    const owner = clientFor(orchestrator.mcpUrl, 'u-owner');
    const { run: waiting } = await owner.call(start_run, { projectId, idea: 'two sisters and a boat', waitMs: 20_000 });
    expect(waiting.state).toBe('waiting_for_choice');
    expect(waiting.choice?.options.map((o) => o.title)).toEqual(['First', 'Second']);
    const viewer = clientFor(orchestrator.mcpUrl, 'u-viewer');
    expect((await viewer.call(get_run, { runId: waiting.id })).run.state).toBe('waiting_for_choice');
    const listed = await viewer.call(list_runs, { projectId, state: 'waiting_for_choice' });
    expect(listed.runs.map((r) => r.id)).toContain(waiting.id);

    const { run: done } = await owner.call(resume_run, { runId: waiting.id, choice: { optionIndex: 1 }, waitMs: 20_000 });
    expect(done.state).toBe('completed');
    expect(done.choices).toEqual({ pick: 1 });
    expect(done.steps[2]?.outputSummary).toBe('{"pages":3,"pick":1}');
    const all = await owner.call(list_runs, { projectId });
    expect(all.runs[0]?.id).toBe(waiting.id);
    expect((await owner.call(get_run, { runId: waiting.id, waitMs: 1000 })).run.state).toBe('completed');
  });

  it('gives every tool a clear error for bad input', async () => {
    const owner = clientFor(orchestrator.mcpUrl, 'u-owner');
    const viewer = clientFor(orchestrator.mcpUrl, 'u-viewer');
    const stranger = clientFor(orchestrator.mcpUrl, 'u-stranger');
    const { run: waiting } = await owner.call(start_run, { projectId, idea: 'pending', waitMs: 20_000 });
    const { run: done } = await owner.call(start_run, { projectId, idea: 'done', options: { autopilot: true }, waitMs: 20_000 });
    expect(done.state).toBe('completed');

    const cases: [string, () => Promise<unknown>, string, RegExp][] = [
      [
        'start_run: missing project',
        () => owner.call(start_run, { projectId: 'no-such-project', idea: 'x' }),
        'ORCHESTRATOR_PROJECT_NOT_FOUND',
        /no-such-project/,
      ],
      ['start_run: not a member', () => stranger.call(start_run, { projectId, idea: 'x' }), 'ORCHESTRATOR_PROJECT_NOT_FOUND', /not found/],
      ['start_run: viewer', () => viewer.call(start_run, { projectId, idea: 'x' }), 'FORBIDDEN', /viewer/],
      ['start_run: empty idea', () => owner.call(start_run, { projectId, idea: '   ' }), 'INVALID_INPUT', /idea/],
      [
        'start_run: duration',
        () => owner.callTool('start_run', { projectId, idea: 'x', options: { targetDurationS: 2 } }),
        'INVALID_INPUT',
        /options\.targetDurationS/,
      ],
      [
        'start_run: no pipeline',
        () => clientFor(empty.mcpUrl, 'u-owner').call(start_run, { projectId, idea: 'x' }),
        'ORCHESTRATOR_PIPELINE_EMPTY',
        /diagnostic/,
      ],
      ['get_run: unknown run', () => owner.call(get_run, { runId: 'nope' }), 'ORCHESTRATOR_RUN_NOT_FOUND', /nope/],
      ['get_run: not a member', () => stranger.call(get_run, { runId: done.id }), 'ORCHESTRATOR_PROJECT_NOT_FOUND', /not found/],
      [
        'list_runs: missing project',
        () => owner.call(list_runs, { projectId: 'no-such-project' }),
        'ORCHESTRATOR_PROJECT_NOT_FOUND',
        /not found/,
      ],
      ['list_runs: limit', () => owner.callTool('list_runs', { projectId, limit: 0 }), 'INVALID_INPUT', /limit/],
      [
        'resume_run: not waiting',
        () => owner.call(resume_run, { runId: done.id, choice: { optionIndex: 0 } }),
        'ORCHESTRATOR_RUN_NOT_WAITING',
        /completed/,
      ],
      [
        'resume_run: option out of range',
        () => owner.call(resume_run, { runId: waiting.id, choice: { optionIndex: 5 } }),
        'ORCHESTRATOR_CHOICE_OUT_OF_RANGE',
        /0–1/,
      ],
      ['resume_run: no choice', () => owner.callTool('resume_run', { runId: waiting.id }), 'INVALID_INPUT', /choice/],
      ['resume_run: viewer', () => viewer.call(resume_run, { runId: waiting.id, choice: { optionIndex: 0 } }), 'FORBIDDEN', /viewer/],
      [
        'resume_run: unknown run',
        () => owner.call(resume_run, { runId: 'nope', choice: { optionIndex: 0 } }),
        'ORCHESTRATOR_RUN_NOT_FOUND',
        /nope/,
      ],
      ['cancel_run: finished', () => owner.call(cancel_run, { runId: done.id }), 'ORCHESTRATOR_RUN_FINISHED', /completed/],
      ['cancel_run: unknown run', () => owner.call(cancel_run, { runId: 'nope' }), 'ORCHESTRATOR_RUN_NOT_FOUND', /nope/],
      [
        'retry_step: unknown step',
        () => owner.call(retry_step, { runId: done.id, step: 'render' }),
        'ORCHESTRATOR_UNKNOWN_STEP',
        /outline, pick, draft/,
      ],
      ['retry_step: bad step name', () => owner.callTool('retry_step', { runId: done.id, step: 'Bad Step' }), 'INVALID_INPUT', /step/],
      [
        'retry_step: run not ended',
        () => owner.call(retry_step, { runId: waiting.id, step: 'draft' }),
        'ORCHESTRATOR_RUN_ACTIVE',
        /waiting_for_choice/,
      ],
    ];
    for (const [what, call, code, message] of cases) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect(err, what).toBeDefined();
      expect({ what, code: err?.code }).toEqual({ what, code });
      expect(err?.message, what).toMatch(message);
    }
    // The waiting run was left as it was by every refused call, and can still be cancelled.
    expect((await owner.call(get_run, { runId: waiting.id })).run.state).toBe('waiting_for_choice');
    expect((await owner.call(cancel_run, { runId: waiting.id })).run.state).toBe('cancelled');
    const { run: again } = await owner.call(retry_step, { runId: waiting.id, step: 'pick', waitMs: 20_000 });
    expect(again.state).toBe('waiting_for_choice');
  });
});
