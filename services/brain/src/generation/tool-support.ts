import type { AssetKind, GenerationMeta } from '@automovie/contracts';
import type { ToolContext } from '@automovie/mcp-ws';
import type { Logger } from 'pino';
import type { BrainContext } from '../context.ts';
import { BrainError } from '../errors.ts';
import type { Outcome } from './gateway.ts';
import type { InputFile } from './provider.ts';

/** The accounting every generation tool returns. */
export function metaOf(o: Outcome): GenerationMeta {
  return { provider: o.provider, model: o.model, cached: o.cached, costUsd: o.costUsd, latencyMs: o.latencyMs, executionId: o.executionId };
}

/** The tool input as recorded on the PromptExecution: everything but the project (the node carries it) and undefined fields. */
export function recordedInputs(input: Record<string, unknown>): Record<string, unknown> {
  const { projectId: _p, ...rest } = input;
  return Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
}

/** The caller's provider/model choice, without undefined members. */
export function choiceOf(input: { provider?: string | undefined; model?: string | undefined }): { provider?: string; model?: string } {
  return {
    ...(input.provider === undefined ? {} : { provider: input.provider }),
    ...(input.model === undefined ? {} : { model: input.model }),
  };
}

/** MCP progress notifications from the gateway's messages (steps counted; failures to notify are not the call's). */
export function progressOf(call: ToolContext): (message: string) => void {
  let step = 0;
  return (message) => {
    call.progress({ progress: ++step, message: message.slice(0, 500) }).catch(() => {});
  };
}

/** A stored asset as a provider input, refused unless it is of `kind` (the field names the input). */
export async function inputFile(ctx: BrainContext, projectId: string, assetId: string, kind: AssetKind, field: string): Promise<InputFile> {
  const { asset, bytes } = await ctx.assets.load(projectId, assetId);
  if (asset.kind !== kind) {
    throw new BrainError('BRAIN_ASSET_KIND', `${field}: asset ${assetId} is of kind ${asset.kind}; this input must be of kind ${kind}`, {
      data: { field, assetId, kind: asset.kind, expected: kind },
    });
  }
  return { assetId, mime: asset.mime, bytes };
}

/** The brain's pino logger bound to this call (providers get pino's full API; the transport's logger is a slice of it). */
export function callLogger(ctx: BrainContext, call: ToolContext, tool: string): Logger {
  return ctx.logger.child({ tool, requestId: call.requestId });
}
