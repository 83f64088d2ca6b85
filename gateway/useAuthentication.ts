import type http from 'node:http';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { isDepartment, isRole, type Consumer } from '../lib/auth/consumer';
import type { JwtConfig } from '../lib/config';
import { checkUscc } from '../lib/ids';
import { HttpError } from '../lib/http/serveGraphQL';
import type { GatewayPlugin } from './plugin';

/**
 * Consumer authentication (SPEC §7): a Bearer JWT whose signature, expiry, issuer, audience and
 * algorithm are checked. HS256 with a shared secret (the development default) or asymmetric keys
 * from a JWKS in production; `alg: none` and unknown keys are refused by jose itself, and the
 * algorithm list pins the family so a token signed with the wrong kind of key never verifies.
 */

/** The plugin puts the consumer in the context; `authenticate` is the same check, callable alone. */
export interface Authentication extends GatewayPlugin {
  authenticate(req: http.IncomingMessage): Promise<Consumer>;
}

const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

function unauthenticated(message: string): HttpError {
  return new HttpError(401, 'UNAUTHENTICATED', message, { 'www-authenticate': 'Bearer realm="credit-graph"' });
}

function consumerFromClaims(payload: JWTPayload): Consumer {
  const { sub, org, role, purpose, subject, department } = payload as JWTPayload & Record<string, unknown>;
  if (typeof sub !== 'string' || sub === '') throw unauthenticated('token has no sub claim');
  if (!isRole(role)) throw unauthenticated('token role must be one of public, government, bank, auditor, subject');
  if (typeof org !== 'string' || org === '') throw unauthenticated('token has no org claim');
  if (purpose !== undefined && typeof purpose !== 'string') throw unauthenticated('token purpose must be a string');
  let subjectCode: string | null = null;
  if (role === 'subject') {
    if (typeof subject !== 'string' || !checkUscc(subject).ok) throw unauthenticated('a subject token needs a valid subject claim (its USCC)');
    subjectCode = subject;
  }
  // a government handler's department (issue 12: who decides objections and repairs)
  let handlerOf: Consumer['department'] = null;
  if (department !== undefined) {
    if (role !== 'government' || !isDepartment(department)) throw unauthenticated('token department claim is for role government and must name a department');
    handlerOf = department;
  }
  return { id: sub, org, role, purpose: typeof purpose === 'string' ? purpose : null, subject: subjectCode, department: handlerOf };
}

/**
 * Why a token was refused, in our words: jose's codes and class names (ERR_JWS_…) describe the
 * library, not the consumer's mistake, and are not part of our contract.
 */
function refusalMessage(e: unknown): string {
  if (e instanceof joseErrors.JWTExpired) return 'token expired';
  if (e instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (e instanceof joseErrors.JOSEAlgNotAllowed) return 'token algorithm not accepted';
  if (e instanceof joseErrors.JWKSNoMatchingKey || e instanceof joseErrors.JWKSMultipleMatchingKeys) return 'token signed by an unknown key';
  if (e instanceof joseErrors.JWTClaimValidationFailed) {
    return e.reason === 'missing' ? `token has no ${e.claim} claim` : `token ${e.claim} claim not accepted`;
  }
  if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid || e instanceof joseErrors.JOSENotSupported) return 'token malformed';
  return 'token could not be verified';
}

/** Verified tokens, by their exact text, until they expire: a client sends the same token many times. */
const VERIFIED_CACHE_SIZE = 10_000;

export function useAuthentication(config: JwtConfig): Authentication {
  const verified = new Map<string, { consumer: Consumer; expiresAtMs: number }>();
  let key: Uint8Array | JWTVerifyGetKey;
  let algorithms: string[];
  if (config.kind === 'secret') {
    key = new TextEncoder().encode(config.secret);
    algorithms = ['HS256'];
  } else {
    key = createRemoteJWKSet(new URL(config.jwksUrl));
    algorithms = ASYMMETRIC_ALGORITHMS;
  }

  async function authenticate(req: http.IncomingMessage): Promise<Consumer> {
    const header = req.headers.authorization;
    if (typeof header !== 'string' || header === '') throw unauthenticated('authentication required: send Authorization: Bearer <token>');
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthenticated('Authorization header must be "Bearer <token>"');
    const token = match[1];
    const hit = verified.get(token);
    if (hit && hit.expiresAtMs > Date.now()) return hit.consumer;
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, {
        algorithms,
        issuer: config.issuer,
        audience: config.audience,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: 5,
      });
      const consumer = consumerFromClaims(payload);
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { consumer, expiresAtMs: payload.exp! * 1000 });
      return consumer;
    } catch (e) {
      if (e instanceof HttpError) throw e;
      throw unauthenticated(refusalMessage(e));
    }
  }

  return {
    name: 'authentication',
    authenticate,
    async onRequest({ req }) {
      return { consumer: await authenticate(req) };
    },
  };
}
