import { createStandIn, type Admission, type StandIn, type StandInRequest, type StandInResponse } from '../common/StandIn';
import type { CourtCase, CourtRecord, World } from '../world/types';
import { caseRow, COURT_FAILURE_PAGE } from './wire';

/**
 * Stand-in for the courts' 执行信息查询 service (legacy-systems.md §3). No batching and no
 * authentication: one subject per call, keyed by the organization code written `XXXXXXXX-C`.
 *
 * Outcomes: a refused query parameter is HTTP 200 `{"success":false,"msg":…}` (the service
 * reports its own errors in the body); more than 8 requests in flight from one client address
 * is HTTP 429 with `Retry-After: 1`, answered at once; a failure is HTTP 500 with a Tomcat
 * error page and Java stack trace (text/html) that adapters must never leak.
 */

export const COURT_MAX_PAGE_SIZE = 20;
export const COURT_MAX_IN_FLIGHT_PER_CLIENT = 8;
const DEFAULT_LATENCY_MS = 20;

export interface CourtStandInOptions {
  world: World;
  /** base latency added to every answer; default 20 (SPEC §4 LEGACY_LATENCY_MS) */
  latencyMs?: number;
}

const MALFORMED_DATE = '2023-13-45';
const QUERY_TYPES: Record<string, keyof CourtRecord> = { sx: 'dishonest', zx: 'enforcement', xg: 'restrictions' };
/** 8 characters + check character as the courts write it; GB 11714 uses digits and A-Z */
const ORGANIZATION_CODE_SHAPE = /^[0-9A-Z]{8}-[0-9X]$/;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): StandInResponse {
  return { status, headers: { 'content-type': 'application/json;charset=UTF-8', ...headers }, body: JSON.stringify(body) };
}

const refused = (msg: string) => json({ success: false, msg });

function parsePage(query: URLSearchParams, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number | string {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) return `${name}必须为正整数`;
  if (Number(raw) > max) return `${name}不能大于${max}`;
  return Number(raw);
}

export function createCourtStandIn(options: CourtStandInOptions): StandIn {
  const { world } = options;
  if (!world) throw new Error('court stand-in: options.world is required (a World from legacy/world)');
  const inFlight = new Map<string, number>();

  function admit(req: StandInRequest): Admission {
    const client = req.remoteAddress ?? '';
    const current = inFlight.get(client) ?? 0;
    if (current >= COURT_MAX_IN_FLIGHT_PER_CLIENT) {
      return { refuse: json({ success: false, msg: '请求过于频繁，请稍后再试' }, 429, { 'retry-after': '1' }) };
    }
    inFlight.set(client, current + 1);
    return {
      release() {
        const left = (inFlight.get(client) ?? 1) - 1;
        if (left > 0) inFlight.set(client, left);
        else inFlight.delete(client);
      },
    };
  }

  return createStandIn({
    name: 'court',
    latencyMs: options.latencyMs ?? DEFAULT_LATENCY_MS,
    admit,
    handle(req, ctx) {
      if (req.path !== '/zxxx/query') {
        return { status: 404, headers: { 'content-type': 'text/html;charset=utf-8' }, body: '<html><body><h1>HTTP Status 404 – Not Found</h1></body></html>' };
      }
      if (req.method !== 'GET') return { status: 405, headers: { allow: 'GET' }, body: '' };
      const zzjgdm = (req.query.get('zzjgdm') ?? '').trim();
      if (!ORGANIZATION_CODE_SHAPE.test(zzjgdm)) return refused('参数错误: zzjgdm 格式应为 XXXXXXXX-C');
      const type = req.query.get('type') ?? '';
      if (!Object.hasOwn(QUERY_TYPES, type)) return refused('参数错误: type 应为 sx、zx 或 xg');
      const pageNo = parsePage(req.query, 'pageNo', 1);
      if (typeof pageNo === 'string') return refused(`参数错误: ${pageNo}`);
      const pageSize = parsePage(req.query, 'pageSize', COURT_MAX_PAGE_SIZE, COURT_MAX_PAGE_SIZE);
      if (typeof pageSize === 'string') return refused(`参数错误: ${pageSize}`);

      ctx.countKeys(1);
      const subject = world.findByOrganizationCode(zzjgdm);
      const cases: CourtCase[] = subject?.court[QUERY_TYPES[type]] ?? [];
      // the `malformed` fault: dates that are no dates (every list shows LASJ or FBSJ)
      const row = subject && ctx.malformed(subject.uscc) ? (c: CourtCase) => ({ ...caseRow(c), LASJ: MALFORMED_DATE, FBSJ: MALFORMED_DATE }) : caseRow;
      return json({ success: true, total: cases.length, rows: cases.slice((pageNo - 1) * pageSize, pageNo * pageSize).map(row) });
    },
    failure: () => ({ status: 500, headers: { 'content-type': 'text/html;charset=utf-8' }, body: COURT_FAILURE_PAGE }),
  });
}
