import { centsToDecimal, decimalToCents } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
import { checkRecords, everyPage, quoted, textField, type CheckedPage } from '../../lib/legacy/checkedRecords';
import { LegacyClient, type LegacyClientOptions, type LegacyResponse } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of the courts' 执行信息查询 service (legacy-systems.md §3): no batching, one subject
 * (organization code `XXXXXXXX-C`) and one list per call, pages of at most 20. The service
 * answers 429 once more than 8 requests of one client are in flight, so every call of this
 * adapter waits its turn for one of 8 slots instead of tripping the limit. When it falls over it
 * answers HTTP 500 with a Tomcat page and a Java stack trace: LegacyClient retries it and reports
 * only `HTTP 500`, the page itself never leaves this process.
 */

export const COURT_PAGE_SIZE = 20;
/** the service refuses more than this many requests in flight from one client */
export const COURT_MAX_IN_FLIGHT = 8;
export const COURT_QUERY_PATH = '/zxxx/query';
/**
 * Most a call outside a batch waits for one of the 8 slots. Each call's own deadline starts once
 * it has a slot. A batch's calls wait as long as its budget lasts instead (a round of the slots
 * per deadline): 500 subjects × 3 lists are 1,500 calls, ≈ 7.5 s of turns at 40 ms a call and
 * 19 s at 100 ms, which a healthy court should serve rather than fail. A hung court opens the
 * circuit, and the queue then fails fast.
 */
export const COURT_QUEUE_TIMEOUT_MS = 20_000;

/** sx 失信被执行人, zx 被执行人, xg 限制消费令 */
export const COURT_LIST_TYPES = ['sx', 'zx', 'xg'] as const;
export type CourtListType = (typeof COURT_LIST_TYPES)[number];

/** ZT → CaseStatus */
const STATUS = { 有效: 'ACTIVE', 已撤销: 'WITHDRAWN' } as const;
export type CaseStatus = (typeof STATUS)[keyof typeof STATUS];

/** What every list's case has; each list's own fields follow (all checked, dates ISO, ZXBD a yuan Decimal). */
interface CaseBase {
  caseNumber: string;
  court: string;
  status: CaseStatus;
}
export interface DishonestCase extends CaseBase {
  filedOn: string;
  obligation: string;
  performance: string;
  conduct: string;
  publishedOn: string;
}
export interface EnforcementCase extends CaseBase {
  filedOn: string;
  amount: string;
}
export interface RestrictionCase extends CaseBase {
  publishedOn: string;
}
/** the normalized case of each list */
export interface CourtCases {
  sx: DishonestCase;
  zx: EnforcementCase;
  xg: RestrictionCase;
}

const ORGANIZATION_CODE_SHAPE = /^[0-9A-Z]{8}-[0-9X]$/;

function date(row: unknown, field: string): string {
  const v = textField(row, field);
  if (!isIsoDate(v)) throw new Error(`${field} ${quoted(v)} is not a YYYY-MM-DD date`);
  return v;
}

function base(row: unknown): CaseBase {
  const statusText = textField(row, 'ZT');
  const status = (STATUS as Record<string, CaseStatus>)[statusText.trim()];
  if (!status) throw new Error(`ZT ${quoted(statusText)} is not 有效 or 已撤销`);
  return { caseNumber: textField(row, 'AH'), court: textField(row, 'ZXFY'), status };
}

/** Each list is read for the fields its section shows: a value a list does not use cannot fail it. */
const READ_CASE: { [L in CourtListType]: (row: unknown) => CourtCases[L] } = {
  sx: (row) => ({
    ...base(row),
    filedOn: date(row, 'LASJ'),
    obligation: textField(row, 'YW'),
    performance: textField(row, 'LXQK'),
    conduct: textField(row, 'SXQX'),
    publishedOn: date(row, 'FBSJ'),
  }),
  zx: (row) => {
    const text = textField(row, 'ZXBD');
    const cents = decimalToCents(text);
    if (cents === undefined) throw new Error(`ZXBD ${quoted(text)} is not an amount in yuan`);
    return { ...base(row), filedOn: date(row, 'LASJ'), amount: centsToDecimal(cents) };
  },
  xg: (row) => ({ ...base(row), publishedOn: date(row, 'FBSJ') }),
};

/**
 * `{"success":true,"total":N,"rows":[…]}`, each row checked for its list; anything else is an
 * answer not worth repeating. A row is refused by its subject's code and case number (AH).
 */
export function parsePage<L extends CourtListType>(res: LegacyResponse, request: { organizationCode: string; type: L }): CheckedPage<CourtCases[L]> {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
  let parsed: { success?: unknown; total?: unknown; rows?: unknown };
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error('answer is not JSON');
  }
  if (parsed?.success !== true) throw new Error('refused the query (success is not true)');
  const { total, rows } = parsed;
  if (typeof total !== 'number' || !Number.isSafeInteger(total) || total < 0) throw new Error('answer has no total');
  if (!Array.isArray(rows)) throw new Error('answer has no rows list');
  return { total, records: checkRecords('court', rows, (row) => `${request.organizationCode} ${textField(row, 'AH')}`, READ_CASE[request.type]) };
}

export interface CourtClientOptions {
  baseUrl: string;
  /** deadline of one call (retries included) once it has a slot; default 2000 */
  timeoutMs?: number;
  client?: Partial<LegacyClientOptions>;
}

export class CourtClient {
  private readonly http: LegacyClient;
  constructor(options: CourtClientOptions) {
    const maxConcurrency = options.client?.maxConcurrency ?? COURT_MAX_IN_FLIGHT;
    if (maxConcurrency > COURT_MAX_IN_FLIGHT) {
      throw new Error(`CourtClient: client.maxConcurrency must be at most ${COURT_MAX_IN_FLIGHT} (the courts' in-flight limit), got ${maxConcurrency}`);
    }
    this.http = new LegacyClient({
      department: 'court',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 2000,
      queueTimeoutMs: COURT_QUEUE_TIMEOUT_MS,
      ...options.client,
      maxConcurrency,
    });
  }

  /**
   * Every case of one list of one subject: the first page says how many there are, the remaining
   * pages are asked for together (each still waits for a free slot of the 8).
   */
  async cases<L extends CourtListType>(organizationCode: string, type: L): Promise<CourtCases[L][]> {
    if (!ORGANIZATION_CODE_SHAPE.test(organizationCode)) {
      throw new Error(`court queries take an organization code written XXXXXXXX-C, got ${JSON.stringify(organizationCode)}`);
    }
    if (!COURT_LIST_TYPES.includes(type)) throw new Error(`court list type must be one of ${COURT_LIST_TYPES.join(' ')}, got ${JSON.stringify(type)}`);
    // one bad row fails the whole list (everyPage)
    return everyPage(this.http, COURT_PAGE_SIZE, (pageNo) => ({
      method: 'GET',
      path: COURT_QUERY_PATH,
      query: { zzjgdm: organizationCode, type, pageNo, pageSize: COURT_PAGE_SIZE },
      idempotent: true,
      headers: () => ({ accept: 'application/json' }),
      // 4xx (unknown path, 405) are read here and not repeated; 429 and 5xx are LegacyClient's.
      acceptStatus: (status) => status >= 400 && status < 500 && status !== 429,
      parse: (res) => parsePage(res, { organizationCode, type }),
    }));
  }

  get circuitState(): LegacyClient['circuitState'] {
    return this.http.circuitState;
  }

  /** closes the circuit with nothing counted (LegacyClient.resetCircuit) */
  resetCircuit(): void {
    this.http.resetCircuit();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
