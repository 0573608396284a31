import { get_asset, get_export } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import { ExportError } from '../errors.ts';
import { listExports } from '../exporter.ts';

export const getExportTool = (clients: FleetClients) =>
  implementTool(get_export, async ({ projectId, exportId, format, ttlS }, call) => {
    const brain = clients.forCaller('brain', call.principal);
    const exports = await listExports(brain, projectId);
    const found = exportId === undefined ? exports[0] : exports.find((e) => e.record.exportId === exportId);
    if (found === undefined) {
      throw new ExportError(
        'EXPORT_NOT_FOUND',
        exportId === undefined
          ? `Project ${projectId} has no exports yet: export_project makes one`
          : `No export ${exportId} in project ${projectId}`,
        { projectId, ...(exportId === undefined ? {} : { exportId, field: 'exportId' }) },
      );
    }
    const wanted = found.record.files.filter((f) => format === undefined || f.format === format);
    if (format !== undefined && wanted.length === 0) {
      throw new ExportError(
        'EXPORT_NOT_FOUND',
        `Export ${found.record.exportId} has no ${format} file (it has: ${found.record.files.map((f) => f.format).join(', ')})`,
        {
          projectId,
          exportId: found.record.exportId,
          field: 'format',
        },
      );
    }
    const files = await Promise.all(
      wanted.map(async (f) => {
        const { url, expiresAt } = await brain.call(get_asset, { projectId, assetId: f.assetId, ttlS });
        return { ...f, url, expiresAt };
      }),
    );
    return { exportId: found.record.exportId, createdAt: found.record.createdAt, files, failures: found.record.failures };
  });
