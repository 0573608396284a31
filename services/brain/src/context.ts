import type { Principal } from '@automovie/contracts';
import type { EventPublisher } from '@automovie/service-kit';
import type { Logger } from 'pino';
import type { AssetService } from './assets/service.ts';
import type { AuditLog } from './audit.ts';
import { authorize, type ProjectAccess } from './authz.ts';
import type { EmbeddingService } from './embeddings/index.ts';
import type { Generation } from './generation/index.ts';
import type { GraphStore } from './graph/store.ts';

/** What every brain tool works with. */
export interface BrainContext {
  store: GraphStore;
  embeddings: EmbeddingService;
  audit: AuditLog;
  /** Asset blobs, Asset nodes and their signed URLs. */
  assets: AssetService;
  /** The generation gateway: provider chains, cache, budgets, metering, templates. */
  generation: Generation;
  /** Undefined when REDIS_URL is not configured. */
  events: EventPublisher | undefined;
  logger: Logger;
}

/** Refuses the call unless the caller may have `access` to the project (see authz.ts). */
export function checkAccess(ctx: BrainContext, principal: Principal, projectId: string, access: ProjectAccess): Promise<void> {
  return authorize(principal, projectId, access, (p, u) => ctx.store.getRole(p, u));
}

export interface WriteRecord {
  tool: string;
  /** The domain event type, also the audit action. */
  action: string;
  projectId: string | undefined;
  target?: string;
  data: Record<string, unknown>;
}

/** After a successful write: one audit entry and one domain event. */
export async function recordWrite(ctx: BrainContext, principal: Principal, w: WriteRecord): Promise<void> {
  ctx.audit.append(principal, w.tool, w.action, w.projectId, w.target);
  await ctx.events?.publish(w.action, w.data, {
    ...(w.projectId === undefined ? {} : { projectId: w.projectId }),
    actor: principal.sub,
  });
}

/** The vectors of an embedding result as plain arrays, as the store takes them. */
export function asArrays(vectors: readonly Float32Array[]): number[][] {
  return vectors.map((v) => Array.from(v));
}
