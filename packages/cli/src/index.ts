export { CliError, type CliErrorCode, CliErrorCodes, ExitCodes } from './errors.ts';
export { type Fleet, type FleetEvent, type FleetOptions, type FleetService, readFleetState, startFleet } from './fleet.ts';
export { type Io, type Output, processIo, type SignalTrap } from './io.ts';
export { run } from './program.ts';
export { findRepoRoot, servicesInRepo } from './repo.ts';
export { ensureFleetSecret, type FleetSecret, readFleetSecret, SECRET_FILE } from './secret.ts';
