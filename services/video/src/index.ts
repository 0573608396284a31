import { runService } from '@automovie/service-kit';
import { loadVideoConfig } from './config.ts';
import { buildServer } from './server.ts';

const config = loadVideoConfig(process.env);
const service = await buildServer(config);
await runService(service, config.SHUTDOWN_GRACE_MS);
