import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { isRole, type Consumer } from './consumer';

/**
 * The short-lived token the gateway signs for every subgraph fetch (SPEC §7): it states the
 * consumer the gateway verified. Subgraphs refuse any request without a valid one, so a subgraph
 * port reached directly yields nothing, `_entities` included.
 */

export const INTERNAL_TOKEN_HEADER = 'x-credit-internal-token';
export const INTERNAL_ISSUER = 'credit-graph-gateway';
export const INTERNAL_AUDIENCE = 'credit-graph-subgraphs';
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

export interface InternalClaims {
  consumer: Consumer;
  requestId: string;
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
  return new SignJWT({ org: consumer.org, role: consumer.role, purpose: consumer.purpose, subject: consumer.subject, rid: requestId })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(consumer.id)
    .setIssuer(INTERNAL_ISSUER)
    .setAudience(INTERNAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(key(secret));
}

export class InternalTokenError extends Error {}

export async function verifyInternalToken(token: string, secret: string): Promise<InternalClaims> {
  try {
    const { payload } = await jwtVerify(token, key(secret), {
      algorithms: ['HS256'],
      issuer: INTERNAL_ISSUER,
      audience: INTERNAL_AUDIENCE,
      requiredClaims: ['exp', 'sub'],
    });
    if (!isRole(payload.role) || typeof payload.org !== 'string' || typeof payload.rid !== 'string') {
      throw new InternalTokenError('internal token claims are incomplete');
    }
    return {
      requestId: payload.rid,
      consumer: {
        id: payload.sub!,
        org: payload.org,
        role: payload.role,
        purpose: typeof payload.purpose === 'string' ? payload.purpose : null,
        subject: typeof payload.subject === 'string' ? payload.subject : null,
      },
    };
  } catch (e) {
    if (e instanceof InternalTokenError) throw e;
    if (e instanceof joseErrors.JOSEError) throw new InternalTokenError(`internal token refused: ${e.code}`);
    throw e;
  }
}
