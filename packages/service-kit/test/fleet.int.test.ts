import { whoami } from '@automovie/contracts';
import { buildService } from '@automovie/service-kit';
import { type StartedService, startService, TEST_JWT_SECRET, testConfig } from '@automovie/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetClients } from '../src/fleet.ts';

describe('FleetClients', () => {
  let service: StartedService;
  let clients: FleetClients;

  beforeAll(async () => {
    service = await startService(() => buildService({ name: 'story', version: '0.0.1', config: testConfig(), tools: [] }));
    const port = service.port;
    // A parsed service config works as `env`: its URL keys are the env names; other values are ignored.
    clients = new FleetClients({
      service: 'visual',
      secret: TEST_JWT_SECRET,
      env: { AUTOMOVIE_STORY_URL: `ws://127.0.0.1:${port}/mcp`, PORT: 4150, AUTOMOVIE_BRAIN_URL: undefined },
    });
  });
  afterAll(async () => {
    await clients.close();
    await service.stop();
  });

  it('calls as the service, and on behalf of a user with the user id in the principal', async () => {
    const asService = await clients.asService('story').call(whoami, {});
    expect(asService.principal).toMatchObject({ kind: 'service', sub: 'visual', service: 'visual' });
    const asUser = await clients.forUser('story', 'u-42').call(whoami, {});
    expect(asUser.principal).toMatchObject({ kind: 'user', userId: 'u-42', service: 'visual' });
    const passThrough = await clients.forCaller('story', asUser.principal).call(whoami, {});
    expect(passThrough.principal.userId).toBe('u-42');
  });
});

describe('FleetClients.url', () => {
  it('takes string overrides from a config-shaped env and falls back to the local port otherwise', () => {
    const clients = new FleetClients({
      service: 'audio',
      secret: TEST_JWT_SECRET,
      env: { AUTOMOVIE_BRAIN_URL: 'ws://brain:4100/mcp', AUTOMOVIE_VIDEO_URL: 4170, AUTOMOVIE_STORY_URL: '' },
    });
    expect(clients.url('brain')).toBe('ws://brain:4100/mcp');
    expect(clients.url('video')).toBe('ws://127.0.0.1:4170/mcp');
    expect(clients.url('story')).toBe('ws://127.0.0.1:4130/mcp');
  });
});
