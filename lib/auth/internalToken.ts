import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { isDepartment, isRole, type Consumer } from './consumer';

/**
 * The short-lived token the gateway signs for every subgraph fetch (SPEC §7): it states the
 * consumer the gateway verified. Subgraphs refuse any request without a valid one, so a subgraph
 * port reached directly yields nothing, `_entities` included.
 */

export const INTERNAL_TOKEN_HEADER = 'x-credit-internal-token';
/** the gateway's request id, for the subgraphs' logs (not a credential) */
export const REQUEST_ID_HEADER = 'x-credit-request-id';
export const INTERNAL_ISSUER = 'credit-graph-gateway';
export const INTERNAL_AUDIENCE = 'credit-graph-subgraphs';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

export interface InternalClaims {
  consumer: Consumer;
  /** optional: tokens reused across a consumer's requests carry it in REQUEST_ID_HEADER instead */
  requestId?: string;
}

export interface VerifiedInternalClaims extends InternalClaims {
  expiresAtMs: number;
}

const keyCache = new Map<string, Uint8Array>();
function key(secret: string): Uint8Array {
  let k = keyCache.get(secret);
  if (!k) {
    k = new TextEncoder().encode(secret);
    keyCache.set(secret, k);
  }
  return k;
}

export async function signInternalToken(claims: InternalClaims, secret: string, ttlSeconds = INTERNAL_TOKEN_TTL_SECONDS): Promise<string> {
  const { consumer, requestId } = claims;
  return new SignJWT({ org: consumer.org, role: consumer.role, purpose: consumer.purpose, subject: consumer.subject, department: consumer.department, ...(requestId ? { rid: requestId } : {}) })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(consumer.id)
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export class InternalTokenError extends Error {}

export async function verifyInternalToken(token: string, secret: string): Promise<VerifiedInternalClaims> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: INTERNAL_ISSUER,
      audience: INTERNAL_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    if (!isRole(payload.role) || typeof payload.org !== 'string') {
      throw new InternalTokenError('internal token claims are incomplete');
    }
    return {
      requestId: typeof payload.rid === 'string' ? payload.rid : undefined,
      expiresAtMs: payload.exp! * 1000,
      consumer: {
        id: payload.sub!,
        org: payload.org,
        role: payload.role,
        purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
        subject: typeof payload.subject === 'string' ? payload.subject : null,
        department: isDepartment(payload.department) ? payload.department : null,
      },
    };
  } catch (e) {
    if (e instanceof InternalTokenError) throw e;
    if (e instanceof joseErrors.JOSEError) throw new InternalTokenError(`internal token refused: ${e.code}`);
    throw e;
  }
}

/**
 * The gateway's issuer: one token per consumer, reused until half its life is gone, so a busy
 * consumer costs one signature per half minute rather than one per request.
 */
export class InternalTokenIssuer {
  private readonly tokens = new Map<string, { token: string; renewAtMs: number }>();
  constructor(
    private readonly secret: string,
    private readonly ttlSeconds = INTERNAL_TOKEN_TTL_SECONDS,
    private readonly maxEntries = 10_000,
  ) {}

  async tokenFor(consumer: Consumer): Promise<string> {
    const key = JSON.stringify([consumer.id, consumer.org, consumer.role, consumer.purpose, consumer.subject, consumer.department]);
    const hit = this.tokens.get(key);
    if (hit && hit.renewAtMs > Date.now()) return hit.token;
    const token = await signInternalToken({ consumer }, this.secret, this.ttlSeconds);
    if (this.tokens.size >= this.maxEntries) this.tokens.delete(this.tokens.keys().next().value!);
    this.tokens.set(key, { token, renewAtMs: Date.now() + (this.ttlSeconds * 1000) / 2 });
    return token;
  }
}
