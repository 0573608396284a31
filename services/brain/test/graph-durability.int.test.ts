import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tempDir } from '@automovie/testing';
import { expect, it } from 'vitest';
import { EmbeddedGraphStore } from '../src/graph/embedded.ts';
import { DURABILITY_OPTIONS, docVector, PERSIST_AFTER_BATCH } from './fixtures/durability-data.ts';

const WRITER = fileURLToPath(new URL('./fixtures/bulk-writer.ts', import.meta.url));
const BATCH = 1000;
const DIM = 32;

/** Resolves once the child has printed `ack <n>` for n ≥ `until`; all acks seen so far, with their arrival times. */
function waitForAcks(child: ChildProcess, until: number): Promise<Array<{ batch: number; at: number }>> {
  return new Promise((resolve, reject) => {
    const acks: Array<{ batch: number; at: number }> = [];
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^ack (\d+)$/.exec(line);
        if (!m) continue;
        acks.push({ batch: Number(m[1]), at: performance.now() });
        if (Number(m[1]) >= until) resolve(acks);
      }
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('exit', (code, signal) => reject(new Error(`writer exited early (${code ?? signal}): ${stderr}`)));
  });
}

it('keeps every acknowledged batch, and only whole batches, when the writer is killed with SIGKILL', async () => {
  const dir = await tempDir('automovie-durability-');
  const child = spawn(process.execPath, [WRITER, dir.path, String(BATCH), String(DIM)], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const acks = await waitForAcks(child, 4);
    // Half a batch later: the writer is in the middle of the next batch's transaction.
    const [before, last] = acks.slice(-2);
    await new Promise((r) => setTimeout(r, (last!.at - before!.at) / 2));
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const acked = Math.max(...acks.map((a) => a.batch));

    const store = EmbeddedGraphStore.open({ dataDir: dir.path, ...DURABILITY_OPTIONS });
    try {
      const counts = new Map<number, number>();
      const rows = await store.queryGraph('p', { start: { label: 'Document' }, limit: 1000, skip: 0 });
      let all = rows;
      for (let skip = 1000; rows.length > 0 && all.length === skip; skip += 1000) {
        all = all.concat(await store.queryGraph('p', { start: { label: 'Document' }, limit: 1000, skip }));
      }
      for (const [n] of all) counts.set(n!.properties.batch as number, (counts.get(n!.properties.batch as number) ?? 0) + 1);
      // Whole batches only: every batch present has all of its documents…
      for (const [batch, count] of counts) expect(count, `batch ${batch}`).toBe(BATCH);
      // …every acknowledged batch is present, and at most the one in flight beyond them.
      for (let b = 0; b <= acked; b++) expect(counts.has(b), `acknowledged batch ${b}`).toBe(true);
      expect(Math.max(...counts.keys())).toBeLessThanOrEqual(acked + 1);

      // Every stored document is searchable by its vector and its words.
      const state = await store.inspectVectorIndex('p');
      // The file written after batch PERSIST_AFTER_BATCH was loaded and the later batches replayed into it.
      expect(state).toMatchObject({ mode: 'hnsw', size: all.length, source: 'file' });
      expect(state!.replayed).toBe(all.length - (PERSIST_AFTER_BATCH + 1) * BATCH);
      for (const [batch] of counts) {
        for (let i = 0; i < BATCH; i += 7) {
          const hits = await store.vectorSearch('p', docVector(batch, i, DIM), 1);
          expect(hits[0]?.id).toBe(`b${batch}-${i}`);
        }
        expect((await store.keywordSearch('p', `batch${batch} item3`, 1))[0]?.id).toBe(`b${batch}-3`);
      }
    } finally {
      await store.close();
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await dir.remove();
  }
});
