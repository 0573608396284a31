import { type AssetKind, create_asset_upload } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import { isUploadableMime, UPLOADABLE_MIMES } from '../assets/sniff.ts';
import { type BrainContext, checkAccess } from '../context.ts';
import { invalidInput } from '../errors.ts';

/** The MIME prefix each media kind must have; documents and exports may be of any uploadable type. */
const KIND_PREFIX: Partial<Record<AssetKind, string>> = { image: 'image/', audio: 'audio/', video: 'video/', model3d: 'model/' };

export const createAssetUploadTool = (ctx: BrainContext) =>
  implementTool(create_asset_upload, async ({ projectId, kind, mime, filename, maxBytes, ttlS, provider }, call) => {
    await checkAccess(ctx, call.principal, projectId, 'write');
    // Services act without a membership check: the project must still exist before a URL is handed out.
    await ctx.store.getProject(projectId);
    if (!isUploadableMime(mime)) throw invalidInput('mime', `must be a type the brain can check: one of ${UPLOADABLE_MIMES.join(', ')}`);
    const prefix = KIND_PREFIX[kind];
    if (prefix !== undefined && !mime.startsWith(prefix)) throw invalidInput('mime', `must be ${prefix}* for kind ${kind}`);
    const p = call.principal;
    return ctx.assets.signedUploadUrl(
      {
        projectId,
        kind,
        mime,
        ...(filename === undefined ? {} : { filename }),
        maxBytes,
        provider,
        actor: { kind: p.kind, sub: p.sub, service: p.service, ...(p.userId === undefined ? {} : { userId: p.userId }) },
      },
      ttlS,
    );
  });
