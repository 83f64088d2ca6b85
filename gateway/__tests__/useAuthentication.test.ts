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
    });
  });

  it('refuses a token signed by a key the JWKS does not hold', async () => {
    const auth = useAuthentication({ kind: 'jwks', jwksUrl, issuer: ISSUER, audience: AUDIENCE });
    await expect(auth.authenticate(request(await sign(strangerKey)))).rejects.toMatchObject({ status: 401 });
    await expect(auth.authenticate(request(await sign(strangerKey, 'unknown-kid')))).rejects.toMatchObject({ status: 401 });
  });

  it('refuses an HS256 token even when its secret would be the public key material (algorithm pinned)', async () => {
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
