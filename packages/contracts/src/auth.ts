import { z } from 'zod';

/**
 * A scope grants tools: `service:tool_name`, `service:group` (a tool's declared scope),
 * `service:*` (every tool of a service) or `*` (everything — operators only).
 */
export const ScopeSchema = z
  .string()
  .regex(/^(\*|[a-z][a-z0-9-]*:(\*|[a-z][a-z0-9_.]*))$/, 'a scope is "*", "service:*", "service:tool_name" or "service:group.name"');
export type Scope = z.infer<typeof ScopeSchema>;

export const PrincipalKindSchema = z.enum(['service', 'user']);

/** Who is calling: a service on its own behalf, or a service acting for a user (on-behalf-of). */
export const PrincipalSchema = z.object({
  kind: PrincipalKindSchema.describe('service: a service on its own behalf; user: a service acting for a user.'),
  sub: z.string().min(1).max(200).describe('Token subject: a service name, or user:<id> for on-behalf-of tokens.'),
  service: z.string().min(1).max(100).describe('The calling service (for user tokens, the one that minted it: frontend, cli…).'),
  userId: z.string().min(1).max(200).optional().describe('The user a service acts for (on-behalf-of tokens only).'),
  scopes: z.array(ScopeSchema).describe('What the token grants: *, service:*, service:tool or service:group.'),
  tokenId: z.string().optional().describe('The token id (jti), for audit.'),
  expiresAt: z.number().int().optional().describe('Expiry, in seconds since the epoch.'),
});
export type Principal = z.infer<typeof PrincipalSchema>;

/** Project roles, strongest first. Viewers only read. */
export const ProjectRoleSchema = z.enum(['owner', 'producer', 'director', 'writer', 'viewer']);
export type ProjectRole = z.infer<typeof ProjectRoleSchema>;

/** Whether `scopes` grant `tool` of `service` (optionally via the tool's own `group` scope). */
export function scopeAllows(scopes: readonly string[], service: string, tool: string, group?: string): boolean {
  for (const s of scopes) {
    if (s === '*') return true;
    const colon = s.indexOf(':');
    if (colon < 0 || s.slice(0, colon) !== service) continue;
    const rest = s.slice(colon + 1);
    if (rest === '*' || rest === tool || (group !== undefined && rest === group)) return true;
  }
  return false;
}
