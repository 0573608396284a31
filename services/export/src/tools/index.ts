import type { ToolImpl } from '@automovie/mcp-ws';
import type { FleetClients } from '@automovie/service-kit';
import type { Exporter } from '../exporter.ts';
import { exportProjectTool } from './export-project.ts';
import { getExportTool } from './get-export.ts';

export function exportTools(deps: { exporter: Exporter; clients: FleetClients }): ToolImpl[] {
  return [exportProjectTool(deps.exporter), getExportTool(deps.clients)] as ToolImpl[];
}
