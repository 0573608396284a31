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
 * A URL with its `access_token` removed, for logs. Parameter names are decoded the way
 * `extractToken` decodes them (`access%5Ftoken` is `access_token` too), so whatever could
 * authenticate is also redacted.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hash = url.indexOf('#', q);
  const end = hash < 0 ? url.length : hash;
  const query = url
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const rawKey = eq < 0 ? pair : pair.slice(0, eq);
      const key = new URLSearchParams(pair).keys().next().value ?? '';
      return key.toLowerCase() === 'access_token' ? `${rawKey}=[REDACTED]` : pair;
    })
    .join('&');
  return `${url.slice(0, q + 1)}${query}${url.slice(end)}`;
}
