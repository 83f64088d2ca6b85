import { SignJWT } from 'jose';
import type { Role } from './consumer';

/** Development tokens (`npm run token`, tests, benchmarks), signed with the configured HS256 secret. */
export interface DevTokenClaims {
  role: Role;
  org?: string;
  sub?: string;
  subject?: string;
  purpose?: string;
  /** role government: the department whose handler the consumer is */
  department?: string;
  /** e.g. "1h", "15m", "30s" */
  ttl?: string;
}

export async function signDevToken(claims: DevTokenClaims, jwt: { secret: string; issuer: string; audience: string }): Promise<string> {
  const org = claims.org ?? (claims.role === 'subject' && claims.subject ? claims.subject : `${claims.role}-org`);
  const payload: Record<string, string> = { role: claims.role, org };
  if (claims.subject) payload.subject = claims.subject;
  if (claims.purpose) payload.purpose = claims.purpose;
  if (claims.department) payload.department = claims.department;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub ?? `${claims.role}:${org}`)
    .setIssuer(jwt.issuer)
    .setAudience(jwt.audience)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? '1h')
    .sign(new TextEncoder().encode(jwt.secret));
}
