import { z } from 'zod';
import { PrincipalSchema } from '../auth.ts';
import { defineTool } from '../tool.ts';

/** Tools every service of the fleet serves, registered by service-kit. */
export const whoami = defineTool({
  name: 'whoami',
  description: "Who this service is and who is calling: service name, version, instance, uptime and the caller's principal.",
  input: z.object({}).strict(),
  output: z.object({
    service: z.string().describe('The service that answered.'),
    version: z.string().describe('Its version.'),
    instanceId: z.string().describe('This process, among the replicas of the service.'),
    uptimeS: z.number().nonnegative().describe('Seconds since the process started.'),
    principal: PrincipalSchema.describe('The caller, as the service authenticated it.'),
  }),
  readOnly: true,
});

export const commonTools = { whoami } as const;
