import { timingSafeEqual } from 'node:crypto';
import { createStandIn, type RequestContext, type StandIn, type StandInRequest, type StandInResponse } from '../common/StandIn';
import type { PenaltyRecord, Subject, World } from '../world/types';
import { abnormalRow, enterpriseRow, penaltyRow } from './wire';

/**
 * Stand-in for market regulation's 企业登记与信用公示 service (legacy-systems.md §1).
 *
 * Its quirk, kept on purpose: every answer is HTTP 200 and the outcome is in `code` —
 * "0000" success, "1001" bad parameter, "1002" authentication failed (missing or wrong
 * X-Api-Key), "9999" system busy (injected failures). Only an unknown path is HTTP 404.
 * Subjects not registered with market regulation (`enterprise` null) are unknown here.
 */

export const MARKET_MAX_CODES = 100;
export const MARKET_MAX_PENALTY_PAGE_SIZE = 50;
export const MARKET_MAX_SEARCH_SIZE = 50;
const DEFAULT_PENALTY_PAGE_SIZE = 50;
const DEFAULT_SEARCH_SIZE = 10;
const DEFAULT_LATENCY_MS = 20;

export interface MarketCredentials {
  /** the value clients send in X-Api-Key */
  apiKey: string;
}

export interface MarketStandInOptions {
  world: World;
  /** base latency added to every answer; default 20 (SPEC §4 LEGACY_LATENCY_MS) */
  latencyMs?: number;
  /** default: MARKET_API_KEY from env, else "dev" */
  credentials?: MarketCredentials;
}

/** what the `malformed` fault writes: a date that is no date, an amount that is no number */
const MALFORMED_DATE = '20231345';
const MALFORMED_AMOUNT = '十万';

const USCC_SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;
const REGISTRATION_NUMBER_SHAPE = /^\d{15}$/;

type Reply = Record<string, unknown> & { code: string };

const ok = (extra: Record<string, unknown>): Reply => ({ code: '0000', msg: '成功', ...extra });
const badParameter = (detail: string): Reply => ({ code: '1001', msg: `参数错误: ${detail}` });

function jsonResponse(body: unknown, status = 200): StandInResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

function getValidCredentials(credentials: MarketCredentials | undefined): MarketCredentials {
  const apiKey = credentials?.apiKey ?? process.env.MARKET_API_KEY ?? 'dev';
  if (typeof apiKey !== 'string' || apiKey === '') {
    throw new Error(`market stand-in: credentials.apiKey (MARKET_API_KEY) must be a non-empty string, got ${JSON.stringify(apiKey)}`);
  }
  return { apiKey };
}

function keyMatches(expected: Buffer, presented: string | string[] | undefined): boolean {
  if (typeof presented !== 'string') return false;
  const actual = Buffer.from(presented, 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** `codes=A,B,…` → the codes, or a 1001 reply. Keys are counted only for accepted requests. */
function parseCodes(query: URLSearchParams): string[] | Reply {
  const codes = (query.get('codes') ?? '').split(',').map((c) => c.trim()).filter((c) => c !== '');
  if (codes.length === 0) return badParameter('codes 不能为空');
  if (codes.length > MARKET_MAX_CODES) return badParameter(`codes 最多 ${MARKET_MAX_CODES} 个`);
  const malformed = codes.find((c) => !USCC_SHAPE.test(c) && !REGISTRATION_NUMBER_SHAPE.test(c));
  if (malformed !== undefined) return badParameter(`无效的统一社会信用代码或注册号 ${malformed}`);
  return codes;
}

/** a positive integer query parameter no larger than `max`, `fallback` when absent */
function parsePositiveInt(query: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number | Reply {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return badParameter(`${name} 必须是正整数`);
  if (Number(raw) > max) return badParameter(`${name} 不能大于 ${max}`);
  return Number(raw);
}

const isReply = (v: unknown): v is Reply => typeof v === 'object' && v !== null && !Array.isArray(v) && 'code' in v;

export function createMarketStandIn(options: MarketStandInOptions): StandIn {
  const { world } = options;
  if (!world) throw new Error('market stand-in: options.world is required (a World from legacy/world)');
  const apiKey = Buffer.from(getValidCredentials(options.credentials).apiKey, 'utf8');

  /** a USCC or an old 注册号, only if market regulation registered the subject */
  const lookup = (code: string): Subject | undefined => {
    const subject = code.length === 18 ? world.findByUscc(code) : world.findByRegistrationNumber(code);
    return subject?.enterprise ? subject : undefined;
  };

  /** each subject once, in the order first asked, however many of its codes were sent */
  const lookupAll = (codes: string[]): Subject[] => {
    const found = new Map<string, Subject>();
    for (const code of codes) {
      const s = lookup(code);
      if (s && !found.has(s.uscc)) found.set(s.uscc, s);
    }
    return [...found.values()];
  };

  const routes: Record<string, (req: StandInRequest, ctx: RequestContext) => Reply> = {
    '/api/v2/enterprises'(req, ctx) {
      const codes = parseCodes(req.query);
      if (isReply(codes)) return codes;
      ctx.countKeys(codes.length);
      return ok({ data: lookupAll(codes).map((s) => (ctx.malformed(s.uscc) ? { ...enterpriseRow(s), CLRQ: MALFORMED_DATE } : enterpriseRow(s))) });
    },
    '/api/v2/abnormal'(req, ctx) {
      const codes = parseCodes(req.query);
      if (isReply(codes)) return codes;
      ctx.countKeys(codes.length);
      return ok({
        data: lookupAll(codes).flatMap((s) => s.abnormal.map((a) => (ctx.malformed(s.uscc) ? { ...abnormalRow(s.uscc, a), LRRQ: MALFORMED_DATE } : abnormalRow(s.uscc, a)))),
      });
    },
    '/api/v2/penalties'(req, ctx) {
      const code = (req.query.get('code') ?? '').trim();
      if (code === '') return badParameter('code 不能为空');
      if (code.includes(',')) return badParameter('code 只能是一个');
      if (!USCC_SHAPE.test(code) && !REGISTRATION_NUMBER_SHAPE.test(code)) return badParameter(`无效的统一社会信用代码或注册号 ${code}`);
      const page = parsePositiveInt(req.query, 'page', 1);
      if (isReply(page)) return page;
      const size = parsePositiveInt(req.query, 'size', DEFAULT_PENALTY_PAGE_SIZE, MARKET_MAX_PENALTY_PAGE_SIZE);
      if (isReply(size)) return size;
      ctx.countKeys(1);
      const subject = lookup(code);
      const penalties = subject?.penalties ?? [];
      const row = subject && ctx.malformed(subject.uscc) ? (p: PenaltyRecord) => ({ ...penaltyRow(p), FKJE: MALFORMED_AMOUNT }) : penaltyRow;
      return ok({ total: penalties.length, data: penalties.slice((page - 1) * size, page * size).map(row) });
    },
    '/api/v2/search'(req, ctx) {
      const name = (req.query.get('name') ?? '').trim();
      if (name === '') return badParameter('name 不能为空');
      const size = parsePositiveInt(req.query, 'size', DEFAULT_SEARCH_SIZE, MARKET_MAX_SEARCH_SIZE);
      if (isReply(size)) return size;
      // one name asked for: one key
      ctx.countKeys(1);
      const data = world.searchByName(name, size).map((s) => ({ TYSHXYDM: s.uscc, QYMC: s.enterprise?.name ?? '', DJZT: s.enterprise?.status ?? '' }));
      return ok({ data });
    },
  };

  return createStandIn({
    name: 'market',
    latencyMs: options.latencyMs ?? DEFAULT_LATENCY_MS,
    handle(req, ctx) {
      const route = Object.hasOwn(routes, req.path) ? routes[req.path] : undefined;
      if (!route) return jsonResponse({ code: '1001', msg: '接口不存在' }, 404);
      if (!keyMatches(apiKey, req.headers['x-api-key'])) return jsonResponse({ code: '1002', msg: '认证失败: X-Api-Key 无效' });
      if (req.method !== 'GET') return jsonResponse(badParameter(`不支持的请求方法 ${req.method}`));
      return jsonResponse(route(req, ctx));
    },
    failure: () => jsonResponse({ code: '9999', msg: '系统繁忙' }),
  });
}
