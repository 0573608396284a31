import { FLEET, isServiceName, ScopeSchema, type ServiceName, ToolNameSchema } from '@automovie/contracts';
import { CliError } from './errors.ts';

/** Every service name of the fleet, in FLEET order. */
export const SERVICE_NAMES = Object.keys(FLEET) as ServiceName[];

/** Edit distance, for "did you mean" on a mistyped service name. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length]!;
}

/** A service name of the fleet, or CLI_UNKNOWN_SERVICE listing the known ones. */
export function parseServiceName(name: string): ServiceName {
  if (isServiceName(name)) return name;
  const close = SERVICE_NAMES.filter((s) => distance(s, name.toLowerCase()) <= 2);
  const hint = close.length > 0 ? ` Did you mean ${close.join(' or ')}?` : '';
  throw new CliError('CLI_UNKNOWN_SERVICE', `Unknown service "${name}".${hint} Known services: ${SERVICE_NAMES.join(', ')}`, {
    data: { service: name, known: SERVICE_NAMES },
  });
}

/** `a,b` → service names, each checked; duplicates dropped. */
export function parseServiceList(list: string): ServiceName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (names.length === 0) throw new CliError('CLI_USAGE', '--services needs at least one service name, e.g. --services brain,story');
  return [...new Set(names.map(parseServiceName))];
}

/** A tool name as the contracts define it (snake_case), checked before anything is sent. */
export function parseToolName(name: string): string {
  const r = ToolNameSchema.safeParse(name);
  if (!r.success) throw new CliError('CLI_USAGE', `Invalid tool name "${name}": ${r.error.issues[0]?.message}`);
  return name;
}

/**
 * `--scopes a,b` → scopes, each checked against the fleet's scope rule. The error names the
 * offending scope, its place in the list, and the rule.
 */
export function parseScopes(list: string): string[] {
  const scopes = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (scopes.length === 0) {
    throw new CliError('CLI_INVALID_SCOPE', '--scopes needs at least one scope, e.g. --scopes brain:* or --scopes "*"');
  }
  for (const [i, scope] of scopes.entries()) {
    const r = ScopeSchema.safeParse(scope);
    if (!r.success) {
      throw new CliError(
        'CLI_INVALID_SCOPE',
        `Invalid scope "${scope}" (item ${i + 1} of --scopes): ${r.error.issues[0]?.message ?? 'bad format'}`,
        { data: { scope, index: i } },
      );
    }
  }
  return [...new Set(scopes)];
}

/** Services named by scopes that are not in the fleet (a typo, most likely; the token would grant nothing there). */
export function unknownScopeServices(scopes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const s of scopes) {
    if (s === '*') continue;
    const service = s.slice(0, s.indexOf(':'));
    if (!isServiceName(service)) out.add(service);
  }
  return [...out];
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
/** Longest token lifetime the CLI mints: a year. */
const MAX_TTL_S = 366 * 86_400;

/** `90`, `90s`, `15m`, `1h`, `7d` → seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  const seconds = m ? Number(m[1]) * (TTL_UNITS[m[2] || 's'] ?? 1) : Number.NaN;
  if (!Number.isSafeInteger(seconds) || seconds <= 0 || seconds > MAX_TTL_S) {
    throw new CliError(
      'CLI_USAGE',
      `Invalid --ttl "${text}": use a positive number of seconds or a number with s, m, h or d (90s, 15m, 1h, 7d), at most 366d`,
    );
  }
  return seconds;
}

/** `--timeout MS` → milliseconds (1 ms to 24 h). */
export function parseTimeout(text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(ms) || ms < 1 || ms > 86_400_000) {
    throw new CliError('CLI_USAGE', `Invalid --timeout "${text}": a whole number of milliseconds between 1 and 86400000`);
  }
  return ms;
}

/** A token subject (`--sub`): the calling service's or operator's name. */
export function parseSubject(text: string): string {
  if (!/^[^\s]{1,100}$/.test(text)) {
    throw new CliError('CLI_USAGE', `Invalid --sub "${text}": 1 to 100 characters, no whitespace (the calling service's name, e.g. cli)`);
  }
  return text;
}

/** A user id (`--user`) for on-behalf-of tokens. */
export function parseUserId(text: string): string {
  if (!/^[^\s]{1,200}$/.test(text)) throw new CliError('CLI_USAGE', `Invalid --user "${text}": 1 to 200 characters, no whitespace`);
  return text;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** A pino level for the services' logs. */
export function parseLogLevel(text: string): string {
  if (!(LOG_LEVELS as readonly string[]).includes(text)) {
    throw new CliError('CLI_USAGE', `Invalid log level "${text}": one of ${LOG_LEVELS.join(', ')}`);
  }
  return text;
}

/** A TCP port number (1–65535). */
export function parsePort(text: string, what: string): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isInteger(n) || n < 1 || n > 65_535) throw new CliError('CLI_USAGE', `Invalid ${what} "${text}": a port between 1 and 65535`);
  return n;
}

/** `--duration S` → the film's target length in whole seconds (5 s to 1 h, the orchestrator's range). */
export function parseFilmDuration(text: string): number {
  const s = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(s) || s < 5 || s > 3600) {
    throw new CliError('CLI_USAGE', `Invalid --duration "${text}": a whole number of seconds between 5 and 3600`);
  }
  return s;
}

/** `--style TEXT` → the visual style direction (1–500 characters; a preset name such as noir or comic picks that look). */
export function parseStyle(text: string): string {
  const t = text.trim();
  if (t.length < 1 || t.length > 500)
    throw new CliError('CLI_USAGE', `Invalid --style "${text}": 1 to 500 characters (e.g. noir, pastel, comic)`);
  return t;
}
