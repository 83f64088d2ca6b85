import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { useAuthentication } from '../useAuthentication';

/** Production authentication: asymmetric keys from a JWKS served over real HTTP. */

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
const ISSUER = 'https://idp.credit.example';
const AUDIENCE = 'credit-graph';

function request(token?: string): http.IncomingMessage {
  return { headers: token ? { authorization: `Bearer ${token}` } : {} } as http.IncomingMessage;
}

describe('JWKS authentication', () => {
  let server: http.Server;
  let jwksUrl: string;
  let signingKey: PrivateKey;
  let strangerKey: PrivateKey;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    const stranger = await generateKeyPair('RS256');
    signingKey = pair.privateKey;
    strangerKey = stranger.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    server = http.createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const sign = (key: PrivateKey, kid = 'k1', claims: Record<string, unknown> = { role: 'bank', org: 'bank-a', purpose: 'financing' }) =>
    new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).setSubject('officer-7').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(key);

  it('accepts a token signed by a key of the JWKS and states the consumer', async () => {
    const auth = useAuthentication({ kind: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    await expect(auth.authenticate(request(await sign(signingKey)))).resolves.toEqual({
      id: 'officer-7',
      org: 'bank-a',
      role: 'bank',
      purpose: 'financing',
      subject: null,
      // only a government handler's token names a department
      department: null,
    });
  });

  it('refuses a token signed by a key the JWKS does not hold', async () => {
    const auth = useAuthentication({ kind: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    await expect(auth.authenticate(request(await sign(strangerKey)))).rejects.toMatchObject({ status: 401, message: 'token signature invalid' });
    await expect(auth.authenticate(request(await sign(strangerKey, 'unknown-kid')))).rejects.toMatchObject({ status: 401, message: 'token signed by an unknown key' });
  });

  it('refuses an HS256 token against a JWKS of RSA keys (no key of that kind)', async () => {
    const auth = useAuthentication({ kind: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    const hs = await new SignJWT({ role: 'bank', org: 'x' }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setSubject('x').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode('k'.repeat(32)));
    await expect(auth.authenticate(request(hs))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses a subject token without a valid subject claim, and a missing header', async () => {
    const auth = useAuthentication({ kind: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    await expect(auth.authenticate(request(await sign(signingKey, 'k1', { role: 'subject', org: 'x', subject: 'not-a-code' })))).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate(request())).rejects.toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

describe('shared-secret authentication', () => {
  const SECRET = 's'.repeat(48);
  const config = { kind: 'secret' as const, secret: SECRET, issuer: ISSUER, audience: AUDIENCE, development: false };
  const key = new TextEncoder().encode(SECRET);
  const claims = { role: 'bank', org: 'bank-a', purpose: 'financing' };
  const sign = (alg: string, options: { secret?: Uint8Array; expiresAt?: string | number } = {}) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg })
      .setSubject('officer-7')
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setExpirationTime(options.expiresAt ?? '5m')
      .sign(options.secret ?? key);

  it('accepts HS256 signed with the secret', async () => {
    await expect(useAuthentication(config).authenticate(request(await sign('HS256')))).resolves.toMatchObject({ id: 'officer-7', role: 'bank' });
  });

  it.each(['HS384', 'HS512'])('refuses %s signed with the RIGHT secret (algorithm pinned to HS256)', async (alg) => {
    await expect(useAuthentication(config).authenticate(request(await sign(alg)))).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      message: 'token algorithm not accepted',
    });
  });

  it('says in its own words why a token was refused, never the JWT library error code', async () => {
    const auth = useAuthentication(config);
    const refusal = async (token: string) => {
      try {
        await auth.authenticate(request(token));
      } catch (e) {
        return e as { status: number; message: string };
      }
      throw new Error('token accepted');
    };
    const cases: [string, string][] = [
      [await sign('HS256', { expiresAt: Math.floor(Date.now() / 1000) - 3600 }), 'token expired'],
      [await sign('HS256', { secret: new TextEncoder().encode('w'.repeat(48)) }), 'token signature invalid'],
      [await sign('HS512'), 'token algorithm not accepted'],
      ['not.a.token', 'token malformed'],
      [`${(await sign('HS256')).split('.').slice(0, 2).join('.')}.`, 'token signature invalid'],
    ];
    for (const [token, message] of cases) {
      const e = await refusal(token);
      expect({ status: e.status, message: e.message }).toEqual({ status: 401, message });
      expect(e.message).not.toMatch(/ERR_|JWS|JWT|JOSE/);
    }
  });
});
