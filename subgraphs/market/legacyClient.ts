import { LegacyBusyError, LegacyClient, type LegacyClientOptions, type LegacyResponse } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of market regulation's 企业登记与信用公示 REST API (legacy-systems.md §1). Its quirk:
 * every answer is HTTP 200 and the outcome is in `code` — "0000" success, "9999" system busy
 * (retried), anything else (1001 bad parameter, 1002 bad X-Api-Key) an answer not worth
 * repeating. `msg` is the system's own text and never travels further than this module.
 */

/** codes per call of /enterprises and /abnormal */
export const MARKET_BATCH_LIMIT = 100;
/** largest page of /penalties */
export const MARKET_PENALTY_PAGE_SIZE = 50;
/** largest `size` of /search */
export const MARKET_MAX_SEARCH_SIZE = 50;

const OK = '0000';
const BUSY = '9999';

/** 企业登记 as the register sends it: dates YYYYMMDD, ZCZB in 万元, "" for absent text. */
export interface EnterpriseRow {
  TYSHXYDM: string;
  /** 注册号 before the 2015 reform, "" since */
  ZCH: string;
  QYMC: string;
  QYLX: string;
  FDDBR: string;
  /** the legal representative's citizen ID: personal data, masked before it leaves the subgraph */
  FDDBRZJHM: string;
  ZCZB: string;
  BZ: string;
  CLRQ: string;
  DJZT: string;
  DJJG: string;
  ZS: string;
  JYFW: string;
  HZRQ: string;
}

/** 经营异常名录 entry; YCYY/YCRQ are "" while the enterprise is still listed */
export interface AbnormalRow {
  TYSHXYDM: string;
  LRYY: string;
  LRRQ: string;
  LRJG: string;
  YCYY: string;
  YCRQ: string;
}

/** 行政处罚; FKJE in 万元 */
export interface PenaltyRow {
  CFWSH: string;
  WFXWLX: string;
  CFLB: string;
  CFNR: string;
  FKJE: string;
  CFJDRQ: string;
  CFJG: string;
  GSJZQ: string;
}

export interface SearchRow {
  TYSHXYDM: string;
  QYMC: string;
  DJZT: string;
}

const ENTERPRISE_FIELDS = ['TYSHXYDM', 'ZCH', 'QYMC', 'QYLX', 'FDDBR', 'FDDBRZJHM', 'ZCZB', 'BZ', 'CLRQ', 'DJZT', 'DJJG', 'ZS', 'JYFW', 'HZRQ'] as const;
const ABNORMAL_FIELDS = ['TYSHXYDM', 'LRYY', 'LRRQ', 'LRJG', 'YCYY', 'YCRQ'] as const;
const PENALTY_FIELDS = ['CFWSH', 'WFXWLX', 'CFLB', 'CFNR', 'FKJE', 'CFJDRQ', 'CFJG', 'GSJZQ'] as const;
const SEARCH_FIELDS = ['TYSHXYDM', 'QYMC', 'DJZT'] as const;

interface Envelope {
  code?: unknown;
  data?: unknown;
  total?: unknown;
}

/** The envelope of every answer; throws (without quoting the body) unless `code` is "0000". */
function envelope(res: LegacyResponse): Envelope {
  let parsed: Envelope;
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error(`HTTP ${res.status}, body is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`HTTP ${res.status}, body is not a JSON object`);
  if (parsed.code === BUSY) throw new LegacyBusyError('code 9999 (system busy)');
  if (parsed.code !== OK) throw new Error(`refused with code ${typeof parsed.code === 'string' ? parsed.code.slice(0, 8) : typeof parsed.code} (HTTP ${res.status})`);
  return parsed;
}

/** `data` as a list of rows whose listed fields are all strings */
function rows<K extends string>(data: unknown, fields: readonly K[], what: string): Record<K, string>[] {
  if (!Array.isArray(data)) throw new Error(`${what} answer has no data list`);
  for (const row of data) {
    if (typeof row !== 'object' || row === null) throw new Error(`${what} row is not an object`);
    const bad = fields.find((f) => typeof (row as Record<string, unknown>)[f] !== 'string');
    if (bad) throw new Error(`${what} row has no text field ${bad}`);
  }
  return data as Record<K, string>[];
}

export interface MarketClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs?: number;
  client?: Partial<LegacyClientOptions>;
}

export class MarketClient {
  private readonly http: LegacyClient;
  constructor(private readonly options: MarketClientOptions) {
    if (typeof options.apiKey !== 'string' || options.apiKey === '') {
      throw new Error('MarketClient: options.apiKey (MARKET_API_KEY) must be a non-empty string');
    }
    this.http = new LegacyClient({ department: 'market', baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 2000, ...options.client });
  }

  private get<T>(path: string, query: Record<string, string | number>, parse: (body: Envelope) => T): Promise<T> {
    return this.http.call({
      method: 'GET',
      path,
      query,
      idempotent: true,
      headers: () => ({ 'x-api-key': this.options.apiKey, accept: 'application/json' }),
      // Errors travel in HTTP 200; a 4xx (unknown path) is read here too, and is not worth repeating.
      acceptStatus: (status) => status >= 400 && status < 500 && status !== 429,
      parse: (res) => parse(envelope(res)),
    });
  }

  /** 企业登记 of at most MARKET_BATCH_LIMIT codes (USCC or 注册号); unknown codes are absent */
  async enterprises(codes: readonly string[]): Promise<EnterpriseRow[]> {
    requireBatch('enterprises', codes);
    return this.get('/api/v2/enterprises', { codes: codes.join(',') }, (b) => rows(b.data, ENTERPRISE_FIELDS, 'enterprises'));
  }

  /** 经营异常名录 entries of at most MARKET_BATCH_LIMIT codes; enterprises never listed are absent */
  async abnormal(codes: readonly string[]): Promise<AbnormalRow[]> {
    requireBatch('abnormal', codes);
    return this.get('/api/v2/abnormal', { codes: codes.join(',') }, (b) => rows(b.data, ABNORMAL_FIELDS, 'abnormal'));
  }

  /**
   * Every 行政处罚 of one code. The system pages them (at most 50 a page) and takes one code per
   * call: the first page says how many there are, the remaining pages are asked for together.
   */
  async penalties(code: string): Promise<PenaltyRow[]> {
    const page = (n: number) =>
      this.get('/api/v2/penalties', { code, page: n, size: MARKET_PENALTY_PAGE_SIZE }, (b) => {
        if (typeof b.total !== 'number' || !Number.isSafeInteger(b.total) || b.total < 0) throw new Error('penalties answer has no total');
        return { total: b.total, rows: rows(b.data, PENALTY_FIELDS, 'penalties') };
      });
    const first = await page(1);
    const pages = Math.ceil(first.total / MARKET_PENALTY_PAGE_SIZE);
    const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page(i + 2)));
    return [first, ...rest].flatMap((p) => p.rows);
  }

  /** registered names containing `name`, at most `size` (1…MARKET_MAX_SEARCH_SIZE) */
  async search(name: string, size: number): Promise<SearchRow[]> {
    if (!Number.isInteger(size) || size < 1 || size > MARKET_MAX_SEARCH_SIZE) {
      throw new Error(`market search size must be a whole number from 1 to ${MARKET_MAX_SEARCH_SIZE}, got ${size}`);
    }
    if (name.trim() === '') throw new Error('market search needs a non-empty name');
    return this.get('/api/v2/search', { name, size }, (b) => rows(b.data, SEARCH_FIELDS, 'search'));
  }

  /** closes the circuit with nothing counted (LegacyClient.resetCircuit) */
  resetCircuit(): void {
    this.http.resetCircuit();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

function requireBatch(what: string, codes: readonly string[]): void {
  if (codes.length === 0 || codes.length > MARKET_BATCH_LIMIT) {
    throw new Error(`market ${what} takes 1 to ${MARKET_BATCH_LIMIT} codes, got ${codes.length}`);
  }
}
