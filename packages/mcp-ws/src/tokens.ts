import { randomUUID } from 'node:crypto';
import { AutomovieError, type Principal, PrincipalSchema, ScopeSchema } from '@automovie/contracts';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';

const ISSUER = 'automovie';
const AUDIENCE = 'automovie-fleet';
const ALG = 'HS256';

/** Minimum length of the shared HS256 secret (256 bits of entropy when random). */
export const MIN_SECRET_LENGTH = 32;

export interface TokenOptions {
  /** Subject: the calling service's name. */
  service: string;
  scopes: readonly string[];
  /** For on-behalf-of tokens: the user the service acts for. */
  userId?: string;
  /** Lifetime, as a jose duration (`15m`, `1h`) or seconds. Default `1h`. */
  ttl?: string | number;
}

function secretKey(secret: string): Uint8Array {
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new AutomovieError('INVALID_CONFIG', `AUTOMOVIE_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(secret);
}

/**
 * Mints and verifies the fleet's JWTs: service tokens (a service and its scopes) and
 * on-behalf-of tokens (the same, plus the user the service acts for).
 */
export class TokenAuthority {
  readonly #key: Uint8Array;

  constructor(secret: string) {
    this.#key = secretKey(secret);
  }

  async mint(opts: TokenOptions): Promise<string> {
    for (const [i, s] of opts.scopes.entries()) {
      const r = ScopeSchema.safeParse(s);
      if (!r.success) throw new AutomovieError('INVALID_INPUT', `Invalid input: scopes[${i}] "${s}": ${r.error.issues[0]?.message}`);
    }
    const ttl = opts.ttl ?? '1h';
    const claims: Record<string, unknown> = { scp: [...opts.scopes], svc: opts.service };
    if (opts.userId !== undefined) claims.uid = opts.userId;
    return new SignJWT(claims)
      .setProtectedHeader({ alg: ALG, typ: 'JWT' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject(opts.userId !== undefined ? `user:${opts.userId}` : opts.service)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(typeof ttl === 'number' ? Math.floor(Date.now() / 1000) + ttl : ttl)
      .sign(this.#key);
  }

  /** Verifies a token and returns its principal; UNAUTHENTICATED with the reason otherwise. */
  async verify(token: string): Promise<Principal> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: [ALG],
        clockTolerance: 5,
        requiredClaims: ['sub', 'exp', 'svc', 'scp'],
      }));
    } catch (err) {
      const reason =
        err instanceof joseErrors.JWTExpired
          ? 'token expired'
          : err instanceof joseErrors.JWTClaimValidationFailed
            ? `token claim ${err.claim} invalid: ${err.reason}`
            : err instanceof joseErrors.JWSSignatureVerificationFailed
              ? 'token signature invalid'
              : 'token malformed';
      throw new AutomovieError('UNAUTHENTICATED', `Unauthenticated: ${reason}`);
    }
    const uid = typeof payload.uid === 'string' ? payload.uid : undefined;
    const parsed = PrincipalSchema.safeParse({
      kind: uid === undefined ? 'service' : 'user',
      sub: payload.sub,
      service: payload.svc,
      userId: uid,
      scopes: payload.scp,
      tokenId: payload.jti,
      expiresAt: payload.exp,
    });
    if (!parsed.success) throw new AutomovieError('UNAUTHENTICATED', 'Unauthenticated: token claims malformed');
    return parsed.data;
  }
}

/** Pulls the bearer token from an Authorization header or an `access_token` query parameter. */
export function extractToken(authorization: string | undefined, url: string | undefined): string | undefined {
  if (authorization !== undefined) {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    return m?.[1];
  }
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  if (q < 0) return undefined;
  return new URLSearchParams(url.slice(q + 1)).get('access_token') ?? undefined;
}

/**
 * Names of URL parameters whose values authorize a request, compared case-insensitively after
 * percent-decoding: the fleet's `access_token`, the brain's asset URL signature `sig` and upload
 * `token`, and the parts of S3 presigned URLs that grant access. `exp` and the like stay visible:
 * they grant nothing on their own and explain refusals.
 */
export const SENSITIVE_URL_PARAMS: readonly string[] = [
  'access_token',
  'sig',
  'token',
  'x-amz-signature',
  'x-amz-credential',
  'x-amz-security-token',
];

const REDACTED = '[REDACTED]';

export interface RedactOptions {
  /** Parameter names whose values are hidden (case-insensitive). Default SENSITIVE_URL_PARAMS. */
  params?: readonly string[];
}

/** The name a query parser sees in `raw` (percent-decoded, `+` as space), lower-cased. */
function paramName(raw: string): string {
  return (new URLSearchParams(`${raw}=`).keys().next().value ?? '').toLowerCase();
}

function sensitiveSet(opts: RedactOptions): ReadonlySet<string> {
  return opts.params === undefined ? DEFAULT_SENSITIVE : new Set(opts.params.map((n) => n.toLowerCase()));
}
const DEFAULT_SENSITIVE: ReadonlySet<string> = new Set(SENSITIVE_URL_PARAMS);

/** `a=1&sig=x` with the sensitive values replaced; every occurrence of a repeated name is. */
function redactParams(params: string, sensitive: ReadonlySet<string>): string {
  return params
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      return sensitive.has(paramName(rawKey)) ? `${rawKey}=${REDACTED}` : pair;
    })
    .join('&');
}

/** `scheme://user:password@` → `scheme://user:[REDACTED]@`. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'\\]*):([^\s/?#@"'\\]+)@/gi;

/**
 * A URL (absolute, or a request target such as `req.url`) with the value of every authorizing
 * parameter replaced by `[REDACTED]`, in the query and in a `k=v` fragment alike, and any password
 * in its user info; the path and all other parameters are kept, for debugging. Names are decoded
 * the way query parsers decode them (`access%5Ftoken`, `SIG` count), so whatever could
 * authenticate is redacted.
 */
export function redactUrl(url: string, opts: RedactOptions = {}): string {
  const sensitive = sensitiveSet(opts);
  const hash = url.indexOf('#');
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf('?');
  let out = q < 0 ? beforeHash : `${beforeHash.slice(0, q + 1)}${redactParams(beforeHash.slice(q + 1), sensitive)}`;
  if (hash >= 0) out += `#${redactParams(url.slice(hash + 1), sensitive)}`;
  return out.replace(USERINFO, `$1:${REDACTED}@`);
}

/** A parameter inside free text: after `?`, `&` or `#`, its value up to a delimiter, a quote, space or a JSON escape. */
const TEXT_PARAM = /([?&#])([^=&#?\s"'<>\\]{1,100})=([^&#\s"'<>\\]*)/g;

/**
 * Text (a log line, an error message or stack) with every URL in it redacted as by `redactUrl`,
 * wherever it appears: the last line of defence for URLs nobody passed through `redactUrl`.
 */
export function redactUrlsInText(text: string, opts: RedactOptions = {}): string {
  if (!text.includes('=') && !text.includes('@')) return text;
  const sensitive = sensitiveSet(opts);
  return text
    .replace(TEXT_PARAM, (whole, sep: string, name: string) => (sensitive.has(paramName(name)) ? `${sep}${name}=${REDACTED}` : whole))
    .replace(USERINFO, `$1:${REDACTED}@`);
}
