import { ConfigError, loadConfig } from '../config';

describe('configuration', () => {
  it('uses the SPEC §4 defaults when nothing is set', () => {
    const c = loadConfig({});
    expect(c.port).toBe(4000);
    expect(c.subgraphUrls.platform).toBe('http://127.0.0.1:4001/graphql');
    expect(c.subgraphUrls.finance).toBe('http://127.0.0.1:4006/graphql');
    expect(c.legacyUrls.market).toBe('http://127.0.0.1:4101');
    expect(c.legacyUrls.finance).toBe('http://127.0.0.1:4105');
    expect(c.world).toEqual({ size: 10000, seed: 1 });
    expect(c.legacyLatencyMs).toBe(20);
    expect(c.redisUrl).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['WORLD_SIZE', '0'],
    ['WORLD_SIZE', '1e6'],
    ['LEGACY_LATENCY_MS', '-1'],
    ['REDIS_URL', 'http://localhost'],
    ['DATABASE_URL', 'not a url'],
    ['TAX_LEGACY_URL', 'ftp://x'],
    ['JWT_SECRET', 'short'],
    ['MAX_SUBJECTS_IN_FLIGHT', '499'],
    ['ADMISSION_WAIT_MS', '0'],
  ])('refuses %s=%s with an error naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });

  it('refuses to start in production on development secrets', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/^JWT_SECRET: must be set/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) })).toThrow(/^INTERNAL_TOKEN_SECRET: must be set/);
  });

  it("refuses a response reserve that would leave a department no time, naming the department's timeout", () => {
    expect(loadConfig({}).responseReserveMs).toBe(400);
    expect(loadConfig({ RESPONSE_RESERVE_MS: '0' }).responseReserveMs).toBe(0);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: '2000' })).toThrow(/^RESPONSE_RESERVE_MS: must be less than MARKET_TIMEOUT_MS \(2000\)/);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: '300', COURT_TIMEOUT_MS: '250' })).toThrow(/^RESPONSE_RESERVE_MS: must be less than COURT_TIMEOUT_MS \(250\)/);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: 'soon' })).toThrow(/^RESPONSE_RESERVE_MS: /);
  });

  it('requires issuer and audience with a JWKS URL', () => {
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json' })).toThrow(/^JWT_ISSUER/);
    const c = loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'idp', JWT_AUDIENCE: 'credit' });
    expect(c.jwt).toEqual({ kind: 'jwks', jwksUrl: 'https://idp.example/jwks.json', issuer: 'idp', audience: 'credit' });
  });
});
