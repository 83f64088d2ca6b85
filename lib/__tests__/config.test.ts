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

  it('gives every subgraph and stand-in its SPEC §4 port, in the department table\'s order', () => {
    const c = loadConfig({ SUBGRAPH_PORT_BASE: '5000', LEGACY_PORT_BASE: '6000' });
    expect(c.subgraphUrls).toEqual({
      platform: 'http://127.0.0.1:5001/graphql',
      market: 'http://127.0.0.1:5002/graphql',
      tax: 'http://127.0.0.1:5003/graphql',
      court: 'http://127.0.0.1:5004/graphql',
      customs: 'http://127.0.0.1:5005/graphql',
      finance: 'http://127.0.0.1:5006/graphql',
    });
    expect(c.legacyUrls).toEqual({
      market: 'http://127.0.0.1:6001',
      tax: 'http://127.0.0.1:6002',
      court: 'http://127.0.0.1:6003',
      customs: 'http://127.0.0.1:6004',
      finance: 'http://127.0.0.1:6005',
    });
  });

  it("reads each department's credentials from the variables its table entry names, 'dev' when unset", () => {
    expect(loadConfig({}).credentials).toEqual({
      market: { apiKey: 'dev' },
      tax: { user: 'dev', password: 'dev' },
      court: {},
      customs: { user: 'dev', password: 'dev' },
      finance: { appId: 'dev', appSecret: 'dev' },
    });
    const c = loadConfig({ MARKET_API_KEY: 'k', TAX_USER: 'tu', TAX_PASSWORD: 'tp', CUSTOMS_USER: 'cu', CUSTOMS_PASSWORD: 'cp', FINANCE_APP_ID: 'fi', FINANCE_APP_SECRET: 'fs' });
    expect(c.credentials).toEqual({
      market: { apiKey: 'k' },
      tax: { user: 'tu', password: 'tp' },
      court: {},
      customs: { user: 'cu', password: 'cp' },
      finance: { appId: 'fi', appSecret: 'fs' },
    });
  });

  it("takes each department's policy from its table entry, each value overridable by <DEPT>_… variables", () => {
    const c = loadConfig({ CUSTOMS_TIMEOUT_MS: '1500', FINANCE_CACHE_TTL_SECONDS: '30' });
    expect(c.departments.market).toEqual({ timeoutMs: 2000, retries: 1, cacheTtlSeconds: 300, maxStaleSeconds: 86_400, breakerResetMs: 5000 });
    expect(c.departments.customs).toEqual({ timeoutMs: 1500, retries: 1, cacheTtlSeconds: 3600, maxStaleSeconds: 604_800, breakerResetMs: 5000, identifierTtlSeconds: 86_400 });
    expect(c.departments.finance).toEqual({ timeoutMs: 2000, retries: 1, cacheTtlSeconds: 30, maxStaleSeconds: 3600, breakerResetMs: 5000 });
    expect(() => loadConfig({ COURT_MAX_STALE_SECONDS: '10' })).toThrow(/^COURT_MAX_STALE_SECONDS: must be at least COURT_CACHE_TTL_SECONDS \(300\)/);
  });

  it('gives an identifier TTL only to the departments whose table entry has one, kept between their record TTL and max staleness', () => {
    expect(loadConfig({ CUSTOMS_IDENTIFIER_TTL_SECONDS: '7200' }).departments.customs.identifierTtlSeconds).toBe(7200);
    expect(loadConfig({ MARKET_IDENTIFIER_TTL_SECONDS: '7200' }).departments.market).not.toHaveProperty('identifierTtlSeconds');
    expect(() => loadConfig({ CUSTOMS_IDENTIFIER_TTL_SECONDS: '600' })).toThrow(/^CUSTOMS_IDENTIFIER_TTL_SECONDS: must be at least CUSTOMS_CACHE_TTL_SECONDS \(3600\), got 600/);
    expect(() => loadConfig({ CUSTOMS_CACHE_TTL_SECONDS: '100000' })).toThrow(/^CUSTOMS_IDENTIFIER_TTL_SECONDS: must be at least CUSTOMS_CACHE_TTL_SECONDS \(100000\), got 86400/);
    expect(() => loadConfig({ CUSTOMS_MAX_STALE_SECONDS: '43200' })).toThrow(/^CUSTOMS_IDENTIFIER_TTL_SECONDS: must be at most CUSTOMS_MAX_STALE_SECONDS \(43200\), got 86400/);
    expect(() => loadConfig({ CUSTOMS_IDENTIFIER_TTL_SECONDS: 'a day' })).toThrow(/^CUSTOMS_IDENTIFIER_TTL_SECONDS: /);
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

  it('refuses to start in production without an audit key of its own, and a short one anywhere', () => {
    const secrets = { JWT_SECRET: 'x'.repeat(32), INTERNAL_TOKEN_SECRET: 'y'.repeat(32) };
    expect(() => loadConfig({ NODE_ENV: 'production', ...secrets })).toThrow(/^AUDIT_HMAC_KEY: must be set when NODE_ENV=production/);
    expect(() => loadConfig({ AUDIT_HMAC_KEY: 'short' })).toThrow(/^AUDIT_HMAC_KEY: must be at least 32 characters/);
    expect(loadConfig({ NODE_ENV: 'production', ...secrets, AUDIT_HMAC_KEY: 'z'.repeat(32) }).audit.hmacKey).toBe('z'.repeat(32));
  });

  it("refuses a response reserve that would leave a department no time, naming the department's timeout", () => {
    expect(loadConfig({}).responseReserveMs).toBe(400);
    expect(loadConfig({ RESPONSE_RESERVE_MS: '0' }).responseReserveMs).toBe(0);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: '2000' })).toThrow(/^RESPONSE_RESERVE_MS: must be less than MARKET_TIMEOUT_MS \(2000\)/);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: '300', COURT_TIMEOUT_MS: '250' })).toThrow(/^RESPONSE_RESERVE_MS: must be less than COURT_TIMEOUT_MS \(250\)/);
    expect(() => loadConfig({ RESPONSE_RESERVE_MS: 'soon' })).toThrow(/^RESPONSE_RESERVE_MS: /);
  });

  it('checks the log level and the embedded database port with the rest, naming them (npm start read them only in its children)', () => {
    expect(loadConfig({}).logLevel).toBe('info');
    expect(loadConfig({ LOG_LEVEL: 'debug' }).logLevel).toBe('debug');
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).toThrow(/^LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
    expect(loadConfig({}).embeddedDbPort).toBe(4099);
    expect(() => loadConfig({ EMBEDDED_DB_PORT: 'abc' })).toThrow(/^EMBEDDED_DB_PORT: must be a whole number from 1 to 65535/);
  });

  it("refuses a subgraph silence no probe could break: at most twice the probe interval (the liveness watch's)", () => {
    expect(loadConfig({}).subgraphProbe).toEqual({ intervalMs: 1000, silenceMs: 10_000 });
    expect(loadConfig({ SUBGRAPH_PROBE_INTERVAL_MS: '1000', SUBGRAPH_SILENCE_MS: '2001' }).subgraphProbe.silenceMs).toBe(2001);
    expect(() => loadConfig({ SUBGRAPH_PROBE_INTERVAL_MS: '1000', SUBGRAPH_SILENCE_MS: '1000' })).toThrow(/^SUBGRAPH_SILENCE_MS: must be more than twice SUBGRAPH_PROBE_INTERVAL_MS \(1000\), got 1000/);
    expect(() => loadConfig({ SUBGRAPH_PROBE_INTERVAL_MS: '5000' })).toThrow(/^SUBGRAPH_SILENCE_MS: must be more than twice/);
  });

  it('requires issuer and audience with a JWKS URL', () => {
    expect(() => loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json' })).toThrow(/^JWT_ISSUER/);
    const c = loadConfig({ JWT_JWKS_URL: 'https://idp.example/jwks.json', JWT_ISSUER: 'idp', JWT_AUDIENCE: 'credit' });
    expect(c.jwt).toEqual({ kind: 'jwks', jwksUrl: 'https://idp.example/jwks.json', issuer: 'idp', audience: 'credit' });
  });
});
