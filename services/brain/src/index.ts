import { runService } from '@automovie/service-kit';
import { loadBrainConfig } from './config.ts';
import { buildServer } from './server.ts';

const config = loadBrainConfig(process.env);
const service = await buildServer(config);
await runService(service, config.SHUTDOWN_GRACE_MS);
