import { buildServer, loadBrainConfig } from '@automovie/brain';
import { AutomovieError, create_project, filmIds, type LineRecord, LineRecordSchema } from '@automovie/contracts';
import { McpClient } from '@automovie/mcp-ws';
import { type StartedService, startService, TEST_JWT_SECRET, type TempDir, tempDir, testToken } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilmGraph } from '../src/index.ts';

describe('FilmGraph over a real brain', () => {
  let data: TempDir;
  let brain: StartedService;
  let client: McpClient;
  let graph: FilmGraph;

  beforeAll(async () => {
    data = await tempDir('film-graph-');
    const config = loadBrainConfig({
      AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTOMOVIE_DATA_DIR: data.path,
    });
    brain = await startService(() => buildServer(config));
    client = new McpClient({ url: brain.mcpUrl, token: await testToken({ service: 'story' }) });
    await client.call(create_project, { id: 'p1', name: 'Film graph test' });
    graph = new FilmGraph(client, 'p1');
  });
  afterAll(async () => {
    await client.close();
    await brain.stop();
    await data.remove();
  });

  const line = (order: number, text: string): LineRecord => ({ sceneNumber: 1, elementIndex: order, order, character: 'MARA', text });

  it('upserts on deterministic ids: a second write updates the same node', async () => {
    await graph.upsert('Line', filmIds.line(1, 2), line(2, 'First take.'), 'First take.');
    await graph.upsert('Line', filmIds.line(1, 2), { text: 'Second take.' });
    await graph.upsert('Line', filmIds.line(1, 1), line(1, 'Earlier line.'));
    const lines = await graph.lines();
    expect(lines.map((l) => [l.id, l.record.text])).toEqual([
      ['line-1-1', 'Earlier line.'],
      ['line-1-2', 'Second take.'],
    ]);
    expect(await graph.get('line-1-2', LineRecordSchema)).toMatchObject({ order: 2, text: 'Second take.' });
    expect(await graph.get('line-9-9', LineRecordSchema)).toBeUndefined();
  });

  it('relates once, however often it is asked', async () => {
    await graph.upsert('Scene', 'scene-1', { number: 1 });
    await graph.relate('HAS_LINE', 'scene-1', 'line-1-1');
    await graph.relate('HAS_LINE', 'scene-1', 'line-1-1');
    const node = await graph.node('scene-1');
    expect(node?.label).toBe('Scene');
  });

  it('names the node and field of a malformed record', async () => {
    await graph.upsert('Line', 'line-2-0', { sceneNumber: 2, elementIndex: 0, order: 'first', character: 'X', text: 'y' });
    const err = await graph.get('line-2-0', LineRecordSchema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AutomovieError);
    expect((err as AutomovieError).code).toBe('FILM_GRAPH_MALFORMED_RECORD');
    expect((err as Error).message).toMatch(/line-2-0.*order/);
  });

  it('stores and reads the timeline', async () => {
    expect(await graph.timeline()).toBeUndefined();
    await graph.saveTimeline({
      durationS: 3,
      fps: 24,
      shots: [],
      lines: [],
      scenes: [{ sceneNumber: 1, startS: 0, durationS: 3, mood: 'tense' }],
    });
    expect((await graph.timeline())?.scenes[0]?.mood).toBe('tense');
  });
});
