import { runService } from '@automovie/service-kit';
import { loadVisualConfig } from './config.ts';
import { buildServer } from './server.ts';

const config = loadVisualConfig(process.env);
const service = await buildServer(config);
await runService(service, config.SHUTDOWN_GRACE_MS);
