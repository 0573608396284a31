import type { FleetClients } from '@automovie/service-kit';
import type { CharacterConfig } from './config.ts';

/** What the tools share. */
export interface CharacterContext {
  config: CharacterConfig;
  clients: FleetClients;
}
