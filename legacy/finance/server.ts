import { timingSafeEqual } from 'node:crypto';
import { FINANCE_HEADER, FINANCE_MAX_SKEW_MS, financeSignatureMatches } from '../../lib/finance/signature';
import { createStandIn, type StandIn, type StandInRequest, type StandInResponse } from '../common/StandIn';
import type { FinanceRecord, World } from '../world/types';
import { createNonceStore } from './NonceStore';

/**
 * Stand-in for the finance credit-information sharing platform (legacy-systems.md §5).
 *
 * Every request is signed (lib/finance/signature.ts, the same code the adapter signs with).
 * Outcomes, all `{"errcode":…,"errmsg":…}`:
 *   401 / 40101  unknown app id, missing header, bad signature, skew over 300 s, reused nonce
 *   400 / 40001  body not JSON, `codes` not an array of 1..50 strings
 *   503 / 50001  系统繁忙: injected failures, and the nonce memory being full (fail closed)
 *   404 / 40401  unknown path;  405 / 40501  method other than POST
 */

export const FINANCE_MAX_CODES = 50;
export const FINANCE_BATCH_PATH = '/openapi/v1/credit/batch';
const DEFAULT_LATENCY_MS = 20;
const DEFAULT_MAX_REMEMBERED_NONCES = 200_000;

export interface FinanceCredentials {
  appId: string;
  appSecret: string;
}

export interface FinanceStandInOptions {
  world: World;
  /** base latency added to every answer; default 20 (SPEC §4 LEGACY_LATENCY_MS) */
  latencyMs?: number;
  /** default: FINANCE_APP_ID / FINANCE_APP_SECRET from env, else "dev" / "dev" */
  credentials?: FinanceCredentials;
  /** bound on replay-protection memory; default 200,000 live nonces */
  maxRememberedNonces?: number;
}

interface CreditRow {
  code: string;
  dkye: number;
  yqje: number;
  yqts: number;
  dwdbje: number;
  pjjg: string;
  pjdj: string;
  pjrq: string;
}

/** the `malformed` fault: an amount that is no number of 分 */
const MALFORMED_AMOUNT = '一百万';
type MalformedRow = Omit<CreditRow, 'dkye'> & { dkye: string };

function getValidCredentials(credentials: FinanceCredentials | undefined): FinanceCredentials {
  const appId = credentials?.appId ?? process.env.FINANCE_APP_ID ?? 'dev';
  const appSecret = credentials?.appSecret ?? process.env.FINANCE_APP_SECRET ?? 'dev';
  for (const [name, env, value] of [['appId', 'FINANCE_APP_ID', appId], ['appSecret', 'FINANCE_APP_SECRET', appSecret]] as const) {
    if (typeof value !== 'string' || value === '') {
      throw new Error(`finance stand-in: credentials.${name} (${env}) must be a non-empty string, got ${JSON.stringify(value)}`);
    }
  }
  return { appId, appSecret };
}

function reply(status: number, body: unknown): StandInResponse {
  return { status, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

const unauthorized = (why: string) => reply(401, { errcode: 40101, errmsg: `签名验证失败: ${why}` });
const badRequest = (why: string) => reply(400, { errcode: 40001, errmsg: `参数错误: ${why}` });
const busy = () => reply(503, { errcode: 50001, errmsg: '系统繁忙' });

const header = (req: StandInRequest, name: string): string | undefined => {
  const v = req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function creditRow(code: string, f: FinanceRecord): CreditRow {
  return {
    code,
    dkye: f.loanBalanceFen,
    yqje: f.overdueFen,
    yqts: f.overdueDays,
    dwdbje: f.guaranteesFen,
    pjjg: f.ratingAgency,
    pjdj: f.ratingGrade,
    pjrq: f.ratedOn,
  };
}

/** `{"codes":[…]}` → the codes, or the reason it is refused */
function parseCodes(body: Buffer): string[] | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return '请求体不是合法的 JSON';
  }
  const codes = (parsed as { codes?: unknown } | null)?.codes;
  if (!Array.isArray(codes) || codes.length === 0 || !codes.every((c) => typeof c === 'string')) return 'codes 必须是非空的字符串数组';
  if (codes.length > FINANCE_MAX_CODES) return `codes 最多 ${FINANCE_MAX_CODES} 个`;
  return codes;
}

export function createFinanceStandIn(options: FinanceStandInOptions): StandIn {
  const { world } = options;
  if (!world) throw new Error('finance stand-in: options.world is required (a World from legacy/world)');
  const { appId, appSecret } = getValidCredentials(options.credentials);
  const appIdBytes = Buffer.from(appId, 'utf8');
  const nonces = createNonceStore({ skewMs: FINANCE_MAX_SKEW_MS, maxEntries: options.maxRememberedNonces ?? DEFAULT_MAX_REMEMBERED_NONCES });

  /** undefined when the request is authentic and fresh, else the refusal */
  function authenticate(req: StandInRequest): StandInResponse | undefined {
    const presentedAppId = header(req, FINANCE_HEADER.appId);
    const timestamp = header(req, FINANCE_HEADER.timestamp);
    const nonce = header(req, FINANCE_HEADER.nonce);
    const signature = header(req, FINANCE_HEADER.signature);
    if (!presentedAppId || !timestamp || !nonce || !signature) return unauthorized('缺少 X-App-Id、X-Timestamp、X-Nonce 或 X-Signature');
    const presented = Buffer.from(presentedAppId, 'utf8');
    if (presented.length !== appIdBytes.length || !timingSafeEqual(presented, appIdBytes)) return unauthorized('未知的 AppId');
    if (!/^\d{1,16}$/.test(timestamp)) return unauthorized('X-Timestamp 必须是毫秒时间戳');
    const timestampMs = Number(timestamp);
    if (Math.abs(Date.now() - timestampMs) > FINANCE_MAX_SKEW_MS) return unauthorized('时间戳超出允许范围');
    if (nonce.length > 128) return unauthorized('X-Nonce 过长');
    if (!financeSignatureMatches(appSecret, { method: req.method, path: req.path, timestamp, nonce, body: req.body }, signature)) {
      return unauthorized('签名不匹配');
    }
    // Only authentic requests use up a nonce, so forged ones cannot burn a client's nonces.
    switch (nonces.remember(`${appId}\n${nonce}`, timestampMs)) {
      case 'fresh':
        return undefined;
      case 'reused':
        return unauthorized('Nonce 重复使用');
      case 'full':
        return busy();
    }
  }

  return createStandIn({
    name: 'finance',
    latencyMs: options.latencyMs ?? DEFAULT_LATENCY_MS,
    handle(req, ctx) {
      if (req.path !== FINANCE_BATCH_PATH) return reply(404, { errcode: 40401, errmsg: '接口不存在' });
      if (req.method !== 'POST') return reply(405, { errcode: 40501, errmsg: `不支持的请求方法 ${req.method}` });
      const refusal = authenticate(req);
      if (refusal) return refusal;
      const codes = parseCodes(req.body);
      if (typeof codes === 'string') return badRequest(codes);

      ctx.countKeys(codes.length);
      const data: (CreditRow | MalformedRow)[] = [];
      for (const code of new Set(codes)) {
        const finance = world.findByUscc(code)?.finance;
        if (finance) data.push(ctx.malformed(code) ? { ...creditRow(code, finance), dkye: MALFORMED_AMOUNT } : creditRow(code, finance));
      }
      return reply(200, { errcode: 0, data });
    },
    failure: busy,
  });
}
