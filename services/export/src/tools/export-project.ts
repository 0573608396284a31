import { export_project } from '@automovie/contracts';
import { implementTool } from '@automovie/mcp-ws';
import type { Exporter } from '../exporter.ts';

export const exportProjectTool = (exporter: Exporter) =>
  implementTool(export_project, async (input, call) =>
    exporter.run(
      { projectId: input.projectId, formats: input.formats, framesPerPage: input.framesPerPage, force: input.force },
      call.principal,
      (p) => call.progress(p),
      call.signal,
    ),
  );
