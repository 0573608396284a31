export { type DownloadOptions, downloadAsset, type UploadOptions, uploadAsset } from './assets.ts';
export { type BaseConfig, baseConfigSchema, loadConfig } from './config.ts';
export { ServiceKitError, type ServiceKitErrorCode, ServiceKitErrorCodes, toServiceError } from './errors.ts';
export { type EventMeta, EventPublisher, type EventPublisherOptions } from './events.ts';
export { FleetClients, type FleetClientsOptions } from './fleet.ts';
export { createLogger, type LoggerOptions, REDACT_PATHS } from './logger.ts';
export { type GaugeOptions, ServiceMetrics } from './metrics.ts';
export { buildService, type ReadinessCheck, runService, type Service, type ServiceDefinition } from './service.ts';
