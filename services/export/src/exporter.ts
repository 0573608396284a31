import { randomBytes } from 'node:crypto';
import { access, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutomovieError,
  assemble_animatic,
  create_asset_upload,
  type ExportFailure,
  type ExportFile,
  type ExportFileFormat,
  type ExportRecord,
  ExportRecordSchema,
  export_screenplay,
  get_asset,
  get_workflow_data,
  type Principal,
  type Progress,
  type ProjectBundle,
  query_graph,
  type ServiceName,
  store_workflow_data,
  transcode,
} from '@automovie/contracts';
import type { McpClient } from '@automovie/mcp-ws';
import { downloadAsset, type FleetClients, uploadAsset } from '@automovie/service-kit';
import type { Logger } from 'pino';
import { collectBundle } from './collect.ts';
import type { ExportConfig } from './config.ts';
import { ExportError } from './errors.ts';
import { FORMAT_INFO, FORMAT_ORDER, filenameOf, fileStem, inputKeyOf, readmeText, writeZip } from './files.ts';
import { type BookletFrame, renderBooklet } from './pdf/booklet.ts';

export interface ExportDeps {
  config: ExportConfig;
  clients: FleetClients;
  logger: Logger;
}

export interface ExportRequest {
  projectId: string;
  formats: ExportFileFormat[];
  framesPerPage: number;
  force: boolean;
}

export interface ExportResult {
  exportId: string;
  files: ExportFile[];
  zip?: { assetId: string };
  failures: ExportFailure[];
  reused: boolean;
}

/** A file made on local disk, before or after upload. */
interface Made {
  format: ExportFileFormat;
  filename: string;
  path?: string;
  asset: { id: string; bytes: number; mime: string };
}

/** Every export record of a project, newest first. */
export async function listExports(brain: McpClient, projectId: string): Promise<{ id: string; record: ExportRecord; updatedAt: string }[]> {
  const { rows } = await brain.call(query_graph, {
    projectId,
    start: { label: 'Workflow', where: [{ property: 'kind', op: 'eq', value: 'export' }] },
    limit: 1000,
  });
  const out: { id: string; record: ExportRecord; updatedAt: string }[] = [];
  for (const [node] of rows) {
    if (node === undefined) continue;
    const parsed = ExportRecordSchema.safeParse(node.properties.data);
    if (parsed.success) out.push({ id: node.id, record: parsed.data, updatedAt: node.updatedAt });
  }
  return out.sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt) || b.id.localeCompare(a.id));
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function pool<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function asFailure(format: ExportFileFormat, err: unknown): ExportFailure {
  if (err instanceof AutomovieError) return { format, code: err.code, message: err.message };
  return { format, code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Makes an export: reads the project once, makes each requested file into a temp dir, uploads it
 * as an `export` asset, zips them when asked, and records the export as a Workflow. A format that
 * cannot be made becomes a failure naming why; only when every format fails is the call an error.
 */
export class Exporter {
  readonly #deps: ExportDeps;

  constructor(deps: ExportDeps) {
    this.#deps = deps;
  }

  async run(
    req: ExportRequest,
    principal: Principal,
    progress: (p: Progress) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<ExportResult> {
    const { clients, logger } = this.#deps;
    const brain = clients.forCaller('brain', principal);
    const formats = FORMAT_ORDER.filter((f) => req.formats.includes(f));
    const total = formats.length + 1;
    await progress({ progress: 0, total, message: 'reading the project' });
    const bundle = await collectBundle(brain, req.projectId);
    const inputKey = inputKeyOf(bundle, formats, req.framesPerPage);

    if (!req.force) {
      const previous = (await listExports(brain, req.projectId)).find(
        (e) => e.record.inputKey === inputKey && e.record.failures.length === 0,
      );
      if (previous) {
        await progress({ progress: total, total, message: `unchanged: export ${previous.record.exportId} reused` });
        const zip = previous.record.files.find((f) => f.format === 'zip');
        return {
          exportId: previous.record.exportId,
          files: previous.record.files,
          ...(zip ? { zip: { assetId: zip.assetId } } : {}),
          failures: [],
          reused: true,
        };
      }
    }

    const exportId = `exp-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
    const createdAt = new Date().toISOString();
    const stem = fileStem(bundle.project.name);
    const dir = await mkdtemp(join(tmpdir(), 'automovie-export-'));
    const made: Made[] = [];
    const failures: ExportFailure[] = [];
    try {
      let done = 1;
      for (const format of formats) {
        signal?.throwIfAborted();
        await progress({ progress: done, total, message: `making ${filenameOf(stem, format)}` });
        try {
          const file = await this.#make(format, { bundle, brain, principal, dir, stem, req, exportId, createdAt, made, failures, signal });
          made.push(file);
        } catch (err) {
          if ((err as { name?: string })?.name === 'AbortError') throw err;
          const failure = asFailure(format, err);
          logger.warn({ projectId: req.projectId, exportId, format, code: failure.code, err: failure.message }, 'export format failed');
          failures.push(failure);
        }
        done++;
      }
      if (made.length === 0) {
        throw new ExportError('EXPORT_FAILED', `No file could be made: ${failures.map((f) => `${f.format}: ${f.message}`).join('; ')}`, {
          failures,
        });
      }
      const files: ExportFile[] = made.map((m) => ({
        format: m.format,
        filename: m.filename,
        mime: m.asset.mime,
        assetId: m.asset.id,
        bytes: m.asset.bytes,
      }));
      const record: ExportRecord = { exportId, createdAt, formats, framesPerPage: req.framesPerPage, files, failures, inputKey };
      await brain.call(store_workflow_data, {
        projectId: req.projectId,
        id: exportId,
        kind: 'export',
        status: failures.length === 0 ? 'completed' : 'partial',
        description: `Export of ${bundle.project.name}: ${files.map((f) => f.filename).join(', ')}`,
        data: record as unknown as Record<string, never>,
      });
      await progress({ progress: total, total, message: `export ${exportId}: ${files.length} files` });
      const zip = files.find((f) => f.format === 'zip');
      return { exportId, files, ...(zip ? { zip: { assetId: zip.assetId } } : {}), failures, reused: false };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async #make(
    format: ExportFileFormat,
    c: {
      bundle: ProjectBundle;
      brain: McpClient;
      principal: Principal;
      dir: string;
      stem: string;
      req: ExportRequest;
      exportId: string;
      createdAt: string;
      made: Made[];
      failures: ExportFailure[];
      signal: AbortSignal | undefined;
    },
  ): Promise<Made> {
    const filename = filenameOf(c.stem, format);
    const path = join(c.dir, filename);
    switch (format) {
      case 'pdf': {
        const frames = await this.#frames(c.brain, c.bundle, join(c.dir, 'frames'), c.signal);
        const fonts = { regular: this.#deps.config.EXPORT_FONT_PATH, bold: this.#deps.config.EXPORT_FONT_BOLD_PATH };
        for (const f of Object.values(fonts)) {
          await access(f).catch(() => {
            throw new ExportError('EXPORT_FONT_MISSING', `The booklet font ${f} is missing (EXPORT_FONT_PATH / EXPORT_FONT_BOLD_PATH)`, {
              path: f,
            });
          });
        }
        try {
          await renderBooklet(
            { bundle: c.bundle, frames, framesPerPage: c.req.framesPerPage, pageSize: this.#deps.config.EXPORT_PAGE_SIZE, fonts },
            path,
          );
        } catch (err) {
          throw new ExportError('EXPORT_WRITE_FAILED', `Writing the PDF failed: ${(err as Error).message}`, undefined, err);
        }
        return this.#upload(c.brain, c.req.projectId, format, filename, path);
      }
      case 'fountain':
      case 'fdx': {
        if (c.bundle.scenes.length === 0) {
          throw new ExportError('EXPORT_NO_SCREENPLAY', 'The project has no scenes yet: write or import a screenplay first', {
            field: 'formats',
          });
        }
        const story = await this.#reach('story', c.principal, `the ${format === 'fdx' ? 'FDX' : 'Fountain'} screenplay`);
        const { content } = await story.call(
          export_screenplay,
          { projectId: c.req.projectId, format },
          { timeoutMs: this.#deps.config.EXPORT_CALL_TIMEOUT_MS },
        );
        await writeFile(path, content, 'utf8');
        return this.#upload(c.brain, c.req.projectId, format, filename, path);
      }
      case 'json': {
        await writeFile(path, `${JSON.stringify(c.bundle, null, 2)}\n`, 'utf8');
        return this.#upload(c.brain, c.req.projectId, format, filename, path);
      }
      case 'mp4':
      case 'webm': {
        const assetId = await this.#animatic(c.brain, c.principal, c.bundle, c.req.projectId, format);
        const { asset, url } = await c.brain.call(get_asset, { projectId: c.req.projectId, assetId });
        // The animatic is already an asset of the store; it is downloaded only to go into the ZIP.
        const local = c.req.formats.includes('zip') ? path : undefined;
        if (local) await downloadAsset(url, local, c.signal ? { signal: c.signal } : {});
        return { format, filename, ...(local ? { path: local } : {}), asset: { id: asset.id, bytes: asset.bytes, mime: asset.mime } };
      }
      case 'zip': {
        const inside = c.made.filter((m): m is Made & { path: string } => m.path !== undefined);
        if (inside.length === 0) {
          throw new ExportError('EXPORT_FAILED', 'Nothing to put in the ZIP: every other format failed', { failures: c.failures });
        }
        const readme = readmeText({
          projectName: c.bundle.project.name,
          exportId: c.exportId,
          createdAt: c.createdAt,
          files: inside.map((m) => ({ format: m.format, filename: m.filename, bytes: m.asset.bytes })),
          failures: c.failures,
        });
        try {
          await writeZip(
            path,
            c.stem,
            inside.map((m) => ({ path: m.path, name: m.filename })),
            readme,
          );
        } catch (err) {
          throw new ExportError('EXPORT_WRITE_FAILED', `Writing the ZIP failed: ${(err as Error).message}`, undefined, err);
        }
        return this.#upload(c.brain, c.req.projectId, format, filename, path);
      }
    }
  }

  async #upload(brain: McpClient, projectId: string, format: ExportFileFormat, filename: string, path: string): Promise<Made> {
    const { mime } = FORMAT_INFO[format];
    const size = (await stat(path)).size;
    const { url } = await brain.call(create_asset_upload, {
      projectId,
      kind: 'export',
      mime,
      filename,
      provider: 'export',
      maxBytes: Math.max(1, size),
    });
    const asset = await uploadAsset(url, path, { mime });
    return { format, filename, path, asset: { id: asset.id, bytes: asset.bytes, mime: asset.mime } };
  }

  /** A client of another service, connected now, or EXPORT_SERVICE_UNAVAILABLE naming the service and what needed it. */
  async #reach(target: ServiceName, principal: Principal, what: string): Promise<McpClient> {
    const client = this.#deps.clients.forCaller(target, principal);
    try {
      await client.connect();
    } catch (err) {
      throw new ExportError(
        'EXPORT_SERVICE_UNAVAILABLE',
        `The ${target} service at ${client.url} cannot be reached, so ${what} was not made: ${(err as Error).message}`,
        { service: target, url: client.url },
        err,
      );
    }
    return client;
  }

  /** Downloads each shot's storyboard frame; shots without one (or with one that cannot be read) get the reason instead. */
  async #frames(brain: McpClient, bundle: ProjectBundle, dir: string, signal?: AbortSignal): Promise<Map<string, BookletFrame>> {
    const frames = new Map<string, BookletFrame>();
    const framed = bundle.shots.filter((s) => s.frameAssetId !== undefined);
    for (const s of bundle.shots) if (s.frameAssetId === undefined) frames.set(s.id, { missing: 'frame not rendered' });
    await pool(framed, this.#deps.config.EXPORT_DOWNLOAD_CONCURRENCY, async (shot) => {
      try {
        const { asset, url } = await brain.call(get_asset, { projectId: bundle.project.id, assetId: shot.frameAssetId as string });
        const ext = asset.mime === 'image/png' ? 'png' : asset.mime === 'image/jpeg' ? 'jpg' : undefined;
        if (ext === undefined) {
          frames.set(shot.id, { missing: `frame is ${asset.mime}, not PNG or JPEG` });
          return;
        }
        const path = join(dir, `${shot.id}.${ext}`);
        await downloadAsset(url, path, { maxBytes: this.#deps.config.EXPORT_MAX_FRAME_BYTES, ...(signal ? { signal } : {}) });
        frames.set(shot.id, { path });
      } catch (err) {
        if ((err as { name?: string })?.name === 'AbortError') throw err;
        this.#deps.logger.warn(
          { shotId: shot.id, assetId: shot.frameAssetId, err: (err as Error).message },
          'storyboard frame unavailable',
        );
        frames.set(shot.id, { missing: 'frame could not be loaded' });
      }
    });
    return frames;
  }

  /**
   * The animatic in `format`: the one the video service recorded (Workflow `animatic-<format>`,
   * written by assemble_animatic); else WebM as a transcode of the recorded MP4; else the video
   * service's assemble_animatic, which makes it from the timeline.
   */
  async #animatic(
    brain: McpClient,
    principal: Principal,
    bundle: ProjectBundle,
    projectId: string,
    format: 'mp4' | 'webm',
  ): Promise<string> {
    const recorded = async (f: 'mp4' | 'webm') => {
      const r = await readWorkflow(brain, projectId, `animatic-${f}`);
      return r !== undefined && typeof r.assetId === 'string' && r.assetId !== '' ? r.assetId : undefined;
    };
    const own = await recorded(format);
    if (own !== undefined) return own;
    const timeoutMs = this.#deps.config.EXPORT_CALL_TIMEOUT_MS;
    const mp4 = format === 'webm' ? await recorded('mp4') : undefined;
    if (mp4 === undefined && (bundle.timeline === null || bundle.timeline.shots.length === 0)) {
      throw new ExportError(
        'EXPORT_NO_ANIMATIC',
        'The project has no animatic and no timeline yet: build_timeline and assemble_animatic make it',
        {
          field: 'formats',
        },
      );
    }
    const video = await this.#reach('video', principal, `the ${format.toUpperCase()} animatic`);
    if (mp4 !== undefined) return (await video.call(transcode, { projectId, assetId: mp4, format: 'webm' }, { timeoutMs })).assetId;
    return (await video.call(assemble_animatic, { projectId, format }, { timeoutMs })).assetId;
  }
}

/** A workflow record's data, or undefined when there is none of that id. */
async function readWorkflow(brain: McpClient, projectId: string, id: string): Promise<Record<string, unknown> | undefined> {
  try {
    return (await brain.call(get_workflow_data, { projectId, id })).workflow.data;
  } catch (err) {
    if (err instanceof AutomovieError && err.code === 'BRAIN_NODE_NOT_FOUND') return undefined;
    throw err;
  }
}
