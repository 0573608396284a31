export {
  type Principal,
  PrincipalKindSchema,
  PrincipalSchema,
  type ProjectRole,
  ProjectRoleSchema,
  type Scope,
  ScopeSchema,
  scopeAllows,
} from './auth.ts';
export { brainCatalog } from './catalogs/brain.ts';
export { commonTools, whoami } from './catalogs/common.ts';
export { catalogs } from './catalogs/index.ts';
export {
  AutomovieError,
  type AutomovieErrorOptions,
  type CommonErrorCode,
  ERROR_META_KEY,
  ErrorCodeSchema,
  ErrorCodes,
  type FieldIssue,
  formatPath,
  fromZodError,
  isAutomovieError,
  toAutomovieError,
  type WireError,
  WireErrorSchema,
} from './errors.ts';
export { type EventEnvelope, EventEnvelopeSchema, EventTypeSchema, type Progress, ProgressSchema } from './events.ts';
export { FLEET, isServiceName, type ServiceName, serviceUrl, serviceUrlEnvVar } from './fleet.ts';
export {
  type Catalog,
  defineCatalog,
  defineTool,
  type ToolCatalogEntry,
  ToolCatalogEntrySchema,
  type ToolDef,
  type ToolInput,
  ToolNameSchema,
  type ToolOutput,
} from './tool.ts';
