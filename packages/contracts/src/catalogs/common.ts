import { z } from 'zod';
import { PrincipalSchema } from '../auth.ts';
import { defineTool } from '../tool.ts';

/** Tools every service of the fleet serves, registered by service-kit. */
export const whoami = defineTool({
  name: 'whoami',
  description: "Who this service is and who is calling: service name, version, instance, uptime and the caller's principal.",
  input: z.object({}).strict(),
  output: z.object({
    service: z.string(),
    version: z.string(),
    instanceId: z.string(),
    uptimeS: z.number().nonnegative(),
    principal: PrincipalSchema,
  }),
  readOnly: true,
});

export const commonTools = { whoami } as const;
