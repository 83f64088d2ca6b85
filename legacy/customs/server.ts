import iconv from 'iconv-lite';
import { createStandIn, type RequestContext, type StandIn, type StandInRequest, type StandInResponse } from '../common/StandIn';
import type { CustomsRecord, World } from '../world/types';
import { BASIC_REALM, isAuthorized, type BasicCredentials } from './basicAuth';
import { CSV_CHARSET, renderCreditCsv } from './creditCsv';

/** Stand-in of the customs 企业信用数据接口 (REST mapping + GBK CSV; legacy-systems.md §4). */

export const MAPPING_PATH = '/api/mapping';
export const CREDIT_CSV_PATH = '/api/credit.csv';
export const MAX_USCC_PER_MAPPING = 100;
export const MAX_CODES_PER_CSV = 50;
export const DEFAULT_LATENCY_MS = 20;

export interface CustomsStandInOptions {
  world: World;
  /** base latency added to every answer; default 20 (SPEC §4 `LEGACY_LATENCY_MS`) */
  latencyMs?: number;
  /** HTTP Basic credentials; default `CUSTOMS_USER` / `CUSTOMS_PASSWORD`, each `dev` when unset */
  credentials?: BasicCredentials;
}

function getValidCredentials(credentials: BasicCredentials | undefined): BasicCredentials {
  const c = credentials ?? {
    user: process.env.CUSTOMS_USER ?? 'dev',
    password: process.env.CUSTOMS_PASSWORD ?? 'dev',
  };
  for (const [key, env] of [['user', 'CUSTOMS_USER'], ['password', 'CUSTOMS_PASSWORD']] as const) {
    if (typeof c[key] !== 'string' || c[key] === '') {
      throw new TypeError(
        `createCustomsStandIn: options.credentials.${key} (env ${env}) must be a non-empty string, got ${JSON.stringify(c[key])}`,
      );
    }
  }
  // RFC 7617: the user-id cannot contain a colon, or the header could not carry it.
  if (c.user.includes(':')) throw new TypeError('createCustomsStandIn: options.credentials.user must not contain ":"');
  return c;
}

const json = (status: number, body: unknown): StandInResponse => ({
  status,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify(body),
});

const badRequest = (message: string) => json(400, { error: 'BAD_REQUEST', message });

const text = (status: number, body: string, headers: Record<string, string> = {}): StandInResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
  body,
});

/**
 * What the real system's front proxy serves when the application is down: an HTML page naming
 * internal hosts. Adapters must never pass it on (SPEC §6).
 */
const UNAVAILABLE_PAGE = iconv.encode(
  '<html><head><title>503 Service Unavailable</title></head><body>' +
    '<h1>系统维护中，请稍后再试</h1><p>Error 503--Service Unavailable</p>' +
    '<hr><address>WebLogic Server 10.3.6 at hgxy-app01.customs.internal:7001</address></body></html>',
  CSV_CHARSET,
);

function mapping(req: StandInRequest, world: World, { countKeys }: RequestContext): StandInResponse {
  let payload: unknown;
  try {
    payload = JSON.parse(req.body.toString('utf8'));
  } catch {
    return badRequest('请求体不是合法的JSON');
  }
  const uscc = (payload as { uscc?: unknown } | null)?.uscc;
  if (!Array.isArray(uscc) || !uscc.every((u) => typeof u === 'string')) {
    return badRequest('uscc必须是字符串数组');
  }
  if (uscc.length > MAX_USCC_PER_MAPPING) {
    return badRequest(`uscc数量${uscc.length}超过上限${MAX_USCC_PER_MAPPING}`);
  }
  countKeys(uscc.length);
  // Enterprises not registered with customs are simply absent.
  const items = (uscc as string[]).flatMap((code) => {
    const customs = world.findByUscc(code)?.customs;
    return customs ? [{ uscc: code, hgbm: customs.customsCode }] : [];
  });
  return json(200, { items });
}

/** the `malformed` fault: a 信用等级 the interface does not know */
const MALFORMED_CLASS = '优秀企业';

function creditCsv(req: StandInRequest, world: World, ctx: RequestContext): StandInResponse {
  const param = req.query.get('hgbm');
  if (param === null) return badRequest('缺少参数hgbm');
  const codes = param
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c !== '');
  if (codes.length > MAX_CODES_PER_CSV) return badRequest(`hgbm数量${codes.length}超过上限${MAX_CODES_PER_CSV}`);
  ctx.countKeys(codes.length);
  const records = codes.flatMap((code): CustomsRecord[] => {
    const subject = world.findByCustomsCode(code);
    const customs = subject?.customs;
    if (!customs) return [];
    return [ctx.malformed(subject.uscc) ? ({ ...customs, creditClass: MALFORMED_CLASS } as unknown as CustomsRecord) : customs];
  });
  return {
    status: 200,
    headers: { 'content-type': `text/csv; charset=${CSV_CHARSET}` },
    body: renderCreditCsv(records),
  };
}

export function createCustomsStandIn(options: CustomsStandInOptions): StandIn {
  if (!options?.world) throw new TypeError('createCustomsStandIn: options.world is required (a World from createWorld)');
  const { world } = options;
  // the frame validates latencyMs (non-negative milliseconds) at construction
  const latencyMs = options.latencyMs ?? DEFAULT_LATENCY_MS;
  const credentials = getValidCredentials(options.credentials);

  const routes = new Map([
    [MAPPING_PATH, { method: 'POST', serve: mapping }],
    [CREDIT_CSV_PATH, { method: 'GET', serve: creditCsv }],
  ]);

  return createStandIn({
    name: 'customs',
    latencyMs,
    failure: () => ({
      status: 503,
      headers: { 'content-type': `text/html; charset=${CSV_CHARSET}`, 'retry-after': '30' },
      body: UNAVAILABLE_PAGE,
    }),
    handle(req, ctx) {
      const route = routes.get(req.path);
      if (!route) return text(404, 'Not Found');
      if (req.method !== route.method) return text(405, 'Method Not Allowed', { allow: route.method });
      if (!isAuthorized(req.headers, credentials)) {
        return text(401, 'Unauthorized', { 'www-authenticate': `Basic realm="${BASIC_REALM}", charset="UTF-8"` });
      }
      return route.serve(req, world, ctx);
    },
  });
}
