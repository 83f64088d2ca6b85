import path from 'node:path';
import { DEPARTMENT_TABLE, DEPARTMENTS, departmentConstant, type Department, type DepartmentCredentials, type DepartmentPolicy } from './departments';

/**
 * Configuration, read once from the environment through one validated schema (SPEC §4).
 * A bad value stops the process at start with one line naming the variable (`exitOnConfigError`).
 */

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`${variable}: ${message}`);
    this.name = 'ConfigError';
  }
}

export { DEPARTMENTS, type Department, type DepartmentPolicy } from './departments';
export type SubgraphName = 'platform' | Department;
/** Port offsets of SPEC §4: platform = base+1, then the departments in table order (market +2, … finance +6). */
export const SUBGRAPHS: readonly SubgraphName[] = ['platform', ...DEPARTMENTS];

export type JwtConfig =
  | { kind: 'secret'; secret: string; issuer: string; audience: string; development: boolean }
  | { kind: 'jwks'; jwksUrl: string; issuer: string; audience: string };

/** SPEC §5: `subjects(usccs:)` takes at most 500 codes; the query limits refuse more, admission must fit one. */
export const MAX_SUBJECTS_PER_REQUEST = 500;

/**
 * See Config.responseReserveMs. Measured in bench/scenarios/hungDepartment.ts: when the 50
 * requests in flight as the court hung reached their deadline together, the gateway took up to
 * ~400 ms on 2 cores to finish them all.
 */
export const DEFAULT_RESPONSE_RESERVE_MS = 400;

export interface Config {
  nodeEnv: string;
  production: boolean;
  port: number;
  subgraphPortBase: number;
  legacyPortBase: number;
  redisUrl: string | undefined;
  /** prefix of every Redis key, so several deployments (or test stacks) can share one Redis */
  redisKeyPrefix: string;
  databaseUrl: string | undefined;
  world: { size: number; seed: number };
  legacyLatencyMs: number;
  jwt: JwtConfig;
  internalTokenSecret: string;
  subgraphUrls: Record<SubgraphName, string>;
  legacyUrls: Record<Department, string>;
  departments: Record<Department, DepartmentPolicy>;
  /**
   * kept back from the deadlines of a fetch about one subject for the answer's way back — the
   * rest of the subgraph, the gateway's merge, audit commit and send — so that the consumer has
   * the answer within the department's timeout of sending the request (RESPONSE_RESERVE_MS)
   */
  responseReserveMs: number;
  /** subjects the gateway works on at once; larger requests wait their turn (MAX_SUBJECTS_IN_FLIGHT) */
  maxSubjectsInFlight: number;
  /** most a large request waits for admission before HTTP 503 (ADMISSION_WAIT_MS) */
  admissionWaitMs: number;
  /** requests per consumer organization per minute (RATE_LIMIT_PER_MINUTE) */
  rateLimitPerMinute: number;
  /** largest request body the gateway reads (MAX_BODY_BYTES) */
  maxBodyBytes: number;
  /** where `npm start` serves the embedded PGlite when DATABASE_URL is unset (EMBEDDED_DB_PORT) */
  embeddedDbPort: number;
  /** every service's pino level (LOG_LEVEL) */
  logLevel: (typeof LOG_LEVELS)[number];
  /**
   * how the gateway tells a hung subgraph process from a long batch (gateway/subgraphLiveness.ts):
   * while a fetch is in flight, the subgraph's /healthz is asked every `intervalMs`
   * (SUBGRAPH_PROBE_INTERVAL_MS); a fetch is abandoned once it and the subgraph have both answered
   * nothing for `silenceMs` (SUBGRAPH_SILENCE_MS)
   */
  subgraphProbe: { intervalMs: number; silenceMs: number };
  /**
   * bearer token an operator's scraper presents for `GET /metrics` (METRICS_TOKEN, ≥ 32 characters);
   * unset: /metrics is not served at all
   */
  metricsToken: string | null;
  /**
   * the audit ledger's proof against someone with write access to its database (SPEC §8): the key
   * its chain and anchors are MACed with (AUDIT_HMAC_KEY, never stored in the database) and the
   * directory outside the database where each chain's signed head is appended (AUDIT_CHECKPOINT_DIR)
   */
  audit: { hmacKey: string; checkpointDir: string; commitTimeoutMs: number };
  /** each department's legacy credentials, from the variables its table entry names (`credentials.market.apiKey`) */
  credentials: DepartmentCredentials;
}

/** Development defaults: safe only on a developer's machine, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'credit-graph-development-key-not-for-production';
export const DEVELOPMENT_INTERNAL_SECRET = 'credit-graph-internal-development-key';
export const DEVELOPMENT_AUDIT_HMAC_KEY = 'credit-graph-audit-development-key-not-for-production';
/** beside the embedded database's ./data/pglite: one checkpoint directory per ledger database */
export const DEFAULT_AUDIT_CHECKPOINT_DIR = path.join(__dirname, '..', 'data', 'audit-checkpoints');
export const DEFAULT_JWT_ISSUER = 'credit-graph-dev';
export const DEFAULT_JWT_AUDIENCE = 'credit-graph';

type Env = Record<string, string | undefined>;

/** pino's levels (LOG_LEVEL) */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw.trim())) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  const n = Number(raw.trim());
  if (n < min || n > max) throw new ConfigError(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return n;
}

function url(env: Env, name: string, fallback: string | undefined, protocols: string[]): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, `must be a URL (${protocols.join(' or ')}), got ${JSON.stringify(raw.slice(0, 80))}`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')}, got ${JSON.stringify(parsed.protocol)}`);
  }
  return raw.replace(/\/+$/, '');
}

function secret(env: Env, name: string, fallback: string, production: boolean): string {
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (production) throw new ConfigError(name, 'must be set when NODE_ENV=production (no development default)');
    return fallback;
  }
  if (raw.length < 32) throw new ConfigError(name, `must be at least 32 characters, got ${raw.length}`);
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(name, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(raw.slice(0, 40))}`);
  return raw as T;
}

function text(env: Env, name: string, fallback: string): string {
  const raw = env[name];
  return raw === undefined || raw === '' ? fallback : raw;
}

/**
 * A department's identifier TTL (DepartmentPolicy.identifierTtlSeconds): never shorter than its
 * records' TTL ("not registered" is kept that long, a found mapping no less), never longer than
 * its max staleness, after which the cache drops every entry.
 */
function identifierTtlSeconds(env: Env, up: string, fallback: number, policy: DepartmentPolicy): number {
  const name = `${up}_IDENTIFIER_TTL_SECONDS`;
  const seconds = int(env, name, fallback, 1, 86_400 * 365);
  if (seconds < policy.cacheTtlSeconds) throw new ConfigError(name, `must be at least ${up}_CACHE_TTL_SECONDS (${policy.cacheTtlSeconds}), got ${seconds}`);
  if (seconds > policy.maxStaleSeconds) throw new ConfigError(name, `must be at most ${up}_MAX_STALE_SECONDS (${policy.maxStaleSeconds}), got ${seconds}`);
  return seconds;
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = text(env, 'NODE_ENV', 'development');
  const production = nodeEnv === 'production';
  const port = int(env, 'PORT', 4000, 0, 65535);
  const subgraphPortBase = int(env, 'SUBGRAPH_PORT_BASE', 4000, 0, 65529);
  const legacyPortBase = int(env, 'LEGACY_PORT_BASE', 4100, 0, 65530);

  let jwt: JwtConfig;
  const jwksUrl = url(env, 'JWT_JWKS_URL', undefined, ['http:', 'https:']);
  if (jwksUrl) {
    if (env.JWT_SECRET) throw new ConfigError('JWT_SECRET', 'set both JWT_SECRET and JWT_JWKS_URL; choose one');
    const issuer = env.JWT_ISSUER;
    const audience = env.JWT_AUDIENCE;
    if (!issuer) throw new ConfigError('JWT_ISSUER', 'must be set with JWT_JWKS_URL');
    if (!audience) throw new ConfigError('JWT_AUDIENCE', 'must be set with JWT_JWKS_URL');
    jwt = { kind: 'jwks', jwksUrl, issuer, audience };
  } else {
    jwt = {
      kind: 'secret',
      secret: secret(env, 'JWT_SECRET', DEVELOPMENT_JWT_SECRET, production),
      issuer: text(env, 'JWT_ISSUER', DEFAULT_JWT_ISSUER),
      audience: text(env, 'JWT_AUDIENCE', DEFAULT_JWT_AUDIENCE),
      development: !env.JWT_SECRET,
    };
  }

  const subgraphUrls = Object.fromEntries(
    SUBGRAPHS.map((name, i) => [
      name,
      url(env, `${name.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${subgraphPortBase + i + 1}/graphql`, ['http:', 'https:'])!,
    ]),
  ) as Record<SubgraphName, string>;
  const legacyUrls = Object.fromEntries(
    DEPARTMENTS.map((name, i) => [
      name,
      url(env, `${name.toUpperCase()}_LEGACY_URL`, `http://127.0.0.1:${legacyPortBase + i + 1}`, ['http:', 'https:'])!,
    ]),
  ) as Record<Department, string>;

  const departments = Object.fromEntries(
    DEPARTMENTS.map((d) => {
      const base: DepartmentPolicy = DEPARTMENT_TABLE[d].policy;
      const up = departmentConstant(d);
      const policy: DepartmentPolicy = {
        timeoutMs: int(env, `${up}_TIMEOUT_MS`, base.timeoutMs, 50, 120_000),
        retries: int(env, `${up}_RETRIES`, base.retries, 0, 5),
        cacheTtlSeconds: int(env, `${up}_CACHE_TTL_SECONDS`, base.cacheTtlSeconds, 1, 86_400 * 30),
        maxStaleSeconds: int(env, `${up}_MAX_STALE_SECONDS`, base.maxStaleSeconds, 1, 86_400 * 365),
        breakerResetMs: int(env, `${up}_BREAKER_RESET_MS`, base.breakerResetMs, 100, 600_000),
      };
      if (policy.maxStaleSeconds < policy.cacheTtlSeconds) {
        throw new ConfigError(`${up}_MAX_STALE_SECONDS`, `must be at least ${up}_CACHE_TTL_SECONDS (${policy.cacheTtlSeconds})`);
      }
      if (base.identifierTtlSeconds !== undefined) policy.identifierTtlSeconds = identifierTtlSeconds(env, up, base.identifierTtlSeconds, policy);
      return [d, policy];
    }),
  ) as Record<Department, DepartmentPolicy>;

  const responseReserveMs = int(env, 'RESPONSE_RESERVE_MS', DEFAULT_RESPONSE_RESERVE_MS, 0, 10_000);
  for (const d of DEPARTMENTS) {
    if (responseReserveMs >= departments[d].timeoutMs) {
      throw new ConfigError('RESPONSE_RESERVE_MS', `must be less than ${d.toUpperCase()}_TIMEOUT_MS (${departments[d].timeoutMs}), got ${responseReserveMs}`);
    }
  }

  return {
    nodeEnv,
    production,
    port,
    subgraphPortBase,
    legacyPortBase,
    redisUrl: url(env, 'REDIS_URL', undefined, ['redis:', 'rediss:']),
    redisKeyPrefix: text(env, 'REDIS_KEY_PREFIX', 'credit:'),
    databaseUrl: url(env, 'DATABASE_URL', undefined, ['postgres:', 'postgresql:']),
    world: { size: int(env, 'WORLD_SIZE', 10000, 1, 1_000_000), seed: int(env, 'WORLD_SEED', 1, 0, 2 ** 31 - 1) },
    legacyLatencyMs: int(env, 'LEGACY_LATENCY_MS', 20, 0, 60_000),
    jwt,
    internalTokenSecret: secret(env, 'INTERNAL_TOKEN_SECRET', DEVELOPMENT_INTERNAL_SECRET, production),
    subgraphUrls,
    legacyUrls,
    departments,
    responseReserveMs,
    // at least one request of the most subjects SPEC allows, or it could never be admitted
    maxSubjectsInFlight: int(env, 'MAX_SUBJECTS_IN_FLIGHT', 600, MAX_SUBJECTS_PER_REQUEST, 1_000_000),
    admissionWaitMs: int(env, 'ADMISSION_WAIT_MS', 30_000, 1000, 600_000),
    rateLimitPerMinute: int(env, 'RATE_LIMIT_PER_MINUTE', 6000, 1, 10_000_000),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    embeddedDbPort: int(env, 'EMBEDDED_DB_PORT', 4099, 1, 65535),
    logLevel: oneOf(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    subgraphProbe: subgraphProbe(env),
    metricsToken: env.METRICS_TOKEN ? secret(env, 'METRICS_TOKEN', '', false) : null,
    audit: {
      hmacKey: secret(env, 'AUDIT_HMAC_KEY', DEVELOPMENT_AUDIT_HMAC_KEY, production),
      checkpointDir: path.resolve(text(env, 'AUDIT_CHECKPOINT_DIR', DEFAULT_AUDIT_CHECKPOINT_DIR)),
      commitTimeoutMs: int(env, 'AUDIT_COMMIT_TIMEOUT_MS', 5000, 100, 120_000),
    },
    credentials: Object.fromEntries(
      DEPARTMENTS.map((d) => [d, Object.fromEntries(Object.entries(DEPARTMENT_TABLE[d].credentials).map(([option, variable]) => [option, text(env, variable, 'dev')]))]),
    ) as DepartmentCredentials,
  };
}

/**
 * The liveness watch's two settings, checked together: a probe goes out one interval after a fetch
 * starts and its answer is heard a moment later, so a silence of two intervals or less would
 * abandon fetches to a healthy subgraph before any probe could be answered.
 */
function subgraphProbe(env: Env): Config['subgraphProbe'] {
  const intervalMs = int(env, 'SUBGRAPH_PROBE_INTERVAL_MS', 1000, 50, 60_000);
  const silenceMs = int(env, 'SUBGRAPH_SILENCE_MS', 10_000, 100, 600_000);
  if (silenceMs <= 2 * intervalMs) {
    throw new ConfigError('SUBGRAPH_SILENCE_MS', `must be more than twice SUBGRAPH_PROBE_INTERVAL_MS (${intervalMs}), got ${silenceMs}`);
  }
  return { intervalMs, silenceMs };
}

/** For entry points: load the config or print one line naming the variable and exit 1. */
export function loadConfigOrExit(env: Env = process.env): Config {
  return exitOnConfigError(() => loadConfig(env));
}

/** For entry points: what `read` returns, or, on a ConfigError, one line naming the variable and exit 1. */
export function exitOnConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`configuration error: ${e.message}\n`);
      process.exit(1);
    }
    throw e;
  }
}
