/**
 * The brain bench's out-of-process server: the brain exactly as production builds it
 * (`loadBrainConfig` + `buildServer`: embedded graph store in `<dataDir>/graph`, the local
 * embedder, no Redis, silent logs), on a free loopback port. Started by brain.bench.ts with
 * `fork` (an IPC channel) and the data directory as its argument; it answers
 *   { type: 'usage' } → { type: 'usage', cpu, mainCpu, memory, connections }  (cpu: all threads;
 *                        mainCpu: the event loop's thread, without the vector index worker)
 *   { type: 'stop' }  → drains, closes (the store persists its vector indexes) and exits.
 * It also exits if the bench process goes away (IPC disconnect).
 */
import { buildServer, loadBrainConfig } from '@automovie/brain';
import { TEST_JWT_SECRET } from '@automovie/testing';

export type ToBrain = { type: 'usage' } | { type: 'stop' };
export type FromBrain =
  | { type: 'ready'; mcpUrl: string; pid: number }
  | { type: 'usage'; cpu: NodeJS.CpuUsage; mainCpu: NodeJS.CpuUsage; memory: NodeJS.MemoryUsage; connections: number };

const dataDir = process.argv[2];
if (process.send === undefined || dataDir === undefined) {
  console.error('bench/brain-server.ts is started by bench/brain.bench.ts (it needs an IPC channel and a data directory)');
  process.exit(2);
}

const send = (msg: FromBrain) => process.send?.(msg);
const config = loadBrainConfig({
  AUTOMOVIE_JWT_SECRET: TEST_JWT_SECRET,
  HOST: '127.0.0.1',
  PORT: '0',
  LOG_LEVEL: 'silent',
  AUTOMOVIE_DATA_DIR: dataDir,
  EMBEDDING_PROVIDER: 'local',
  SHUTDOWN_GRACE_MS: '2000',
});
const service = await buildServer(config);
const { mcpUrl } = await service.start();

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await service.stop();
  process.disconnect?.();
};

process.on('message', (msg: ToBrain) => {
  if (msg.type === 'usage') {
    send({
      type: 'usage',
      cpu: process.cpuUsage(),
      mainCpu: process.threadCpuUsage(),
      memory: process.memoryUsage(),
      connections: service.endpoint.connections,
    });
  } else if (msg.type === 'stop') {
    void stop();
  }
});
process.on('disconnect', () => void stop());
send({ type: 'ready', mcpUrl, pid: process.pid });
