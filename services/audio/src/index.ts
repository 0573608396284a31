import { runService } from '@automovie/service-kit';
import { loadAudioConfig } from './config.ts';
import { buildServer } from './server.ts';

const config = loadAudioConfig(process.env);
const service = await buildServer(config);
await runService(service, config.SHUTDOWN_GRACE_MS);
