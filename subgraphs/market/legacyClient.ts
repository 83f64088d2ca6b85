import { centsToDecimal, decimalToCents } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
import { callChecked, checkRecords, everyPage, quoted, textField, type CheckedRecords } from '../../lib/legacy/checkedRecords';
import { LegacyBusyError, LegacyClient, type LegacyCall, type LegacyClientOptions, type LegacyResponse } from '../../lib/legacy/LegacyClient';

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

/** DJZT as the register writes it → RegistrationStatus */
const STATUS = { 存续: 'EXISTING', 在业: 'OPERATING', 迁出: 'MOVED_OUT', 吊销: 'LICENSE_REVOKED', 注销: 'DEREGISTERED' } as const;
export type RegistrationStatus = (typeof STATUS)[keyof typeof STATUS];

/** BZ as the register writes it → ISO 4217 */
const CURRENCY: Record<string, string> = {
  人民币: 'CNY', 美元: 'USD', 欧元: 'EUR', 日元: 'JPY', 英镑: 'GBP', 港元: 'HKD', 港币: 'HKD', 澳门元: 'MOP', 澳门币: 'MOP',
  新台币: 'TWD', 瑞士法郎: 'CHF', 加拿大元: 'CAD', 澳大利亚元: 'AUD', 澳元: 'AUD', 新加坡元: 'SGD', 新西兰元: 'NZD', 韩元: 'KRW',
};

/** 万元 in cents: ZCZB and FKJE are written in 万元 (legacy-systems.md §1) */
const CENTS_PER_WAN = 1_000_000;

/** 企业登记, normalized: dates ISO, ZCZB in yuan, DJZT as the graph's enum, "" as null. */
export interface Enterprise {
  uscc: string;
  name: string;
  legalRepresentative: string;
  /** the citizen ID: personal data, masked before it can be cached or leave the subgraph */
  legalRepresentativeIdNumber: string | null;
  registeredCapital: string;
  registeredCapitalCurrency: string | null;
  registeredCapitalCurrencyText: string;
  establishedOn: string;
  status: RegistrationStatus;
  statusText: string;
  /** 注册号 from before the 2015 reform */
  oldRegistrationNumber: string | null;
  type: string;
  authority: string;
  address: string;
  businessScope: string;
  approvedOn: string | null;
}

/** 经营异常名录 entry, normalized */
export interface AbnormalOperation {
  uscc: string;
  reason: string;
  listedOn: string;
  authority: string;
  removedOn: string | null;
  removalReason: string | null;
}

/** 行政处罚, normalized: FKJE in yuan */
export interface Penalty {
  decisionNumber: string;
  violationType: string;
  kind: string;
  content: string;
  fine: string;
  decidedOn: string;
  authority: string;
  publishUntil: string | null;
}

export interface SearchRow {
  TYSHXYDM: string;
  QYMC: string;
  DJZT: string;
}

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

function dataList(data: unknown, what: string): unknown[] {
  if (!Array.isArray(data)) throw new Error(`${what} answer has no data list`);
  return data;
}

/** `data` as a list of rows whose listed fields are all strings */
function rows<K extends string>(data: unknown, fields: readonly K[], what: string): Record<K, string>[] {
  for (const row of dataList(data, what)) fields.forEach((f) => textField(row, f));
  return data as Record<K, string>[];
}

/** YYYYMMDD → YYYY-MM-DD; "" → null */
function optionalDate(row: unknown, field: string): string | null {
  const compact = textField(row, field);
  if (compact === '') return null;
  const iso = /^\d{8}$/.test(compact) ? `${compact.slice(0, 4)}-${compact.slice(4, 6)}-${compact.slice(6)}` : '';
  if (!isIsoDate(iso)) throw new Error(`${field} ${quoted(compact)} is not a YYYYMMDD date`);
  return iso;
}

function date(row: unknown, field: string): string {
  const iso = optionalDate(row, field);
  if (iso === null) throw new Error(`${field} is empty`);
  return iso;
}

/** 万元 text → yuan Decimal, exactly (integer arithmetic from the digits) */
function wanToYuan(row: unknown, field: string): string {
  const text = textField(row, field);
  const cents = decimalToCents(text, CENTS_PER_WAN);
  if (cents === undefined) throw new Error(`${field} ${quoted(text)} is not an amount in 万元`);
  return centsToDecimal(cents);
}

const orNull = (text: string): string | null => (text === '' ? null : text);

function readEnterprise(row: unknown): Enterprise {
  const statusText = textField(row, 'DJZT');
  const status = (STATUS as Record<string, RegistrationStatus>)[statusText.trim()];
  if (!status) throw new Error(`DJZT ${quoted(statusText)} is not one of 存续 在业 迁出 吊销 注销`);
  const currencyText = textField(row, 'BZ');
  return {
    uscc: textField(row, 'TYSHXYDM'),
    name: textField(row, 'QYMC'),
    legalRepresentative: textField(row, 'FDDBR'),
    legalRepresentativeIdNumber: orNull(textField(row, 'FDDBRZJHM')),
    registeredCapital: wanToYuan(row, 'ZCZB'),
    registeredCapitalCurrency: CURRENCY[currencyText.trim()] ?? null,
    registeredCapitalCurrencyText: currencyText,
    establishedOn: date(row, 'CLRQ'),
    status,
    statusText,
    oldRegistrationNumber: orNull(textField(row, 'ZCH')),
    type: textField(row, 'QYLX'),
    authority: textField(row, 'DJJG'),
    address: textField(row, 'ZS'),
    businessScope: textField(row, 'JYFW'),
    approvedOn: optionalDate(row, 'HZRQ'),
  };
}

function readAbnormal(row: unknown): AbnormalOperation {
  return {
    uscc: textField(row, 'TYSHXYDM'),
    reason: textField(row, 'LRYY'),
    listedOn: date(row, 'LRRQ'),
    authority: textField(row, 'LRJG'),
    removedOn: optionalDate(row, 'YCRQ'),
    removalReason: orNull(textField(row, 'YCYY')),
  };
}

function readPenalty(row: unknown): Penalty {
  return {
    decisionNumber: textField(row, 'CFWSH'),
    violationType: textField(row, 'WFXWLX'),
    kind: textField(row, 'CFLB'),
    content: textField(row, 'CFNR'),
    fine: wanToYuan(row, 'FKJE'),
    decidedOn: date(row, 'CFJDRQ'),
    authority: textField(row, 'CFJG'),
    publishUntil: optionalDate(row, 'GSJZQ'),
  };
}

/** A row is filed under the enterprise it names; without a readable TYSHXYDM the answer is unusable. */
const byEnterprise = (row: unknown): string => textField(row, 'TYSHXYDM');

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

  private call<T>(path: string, query: Record<string, string | number>, parse: (body: Envelope) => T): LegacyCall<T> {
    return {
      method: 'GET',
      path,
      query,
      idempotent: true,
      headers: () => ({ 'x-api-key': this.options.apiKey, accept: 'application/json' }),
      // Errors travel in HTTP 200; a 4xx (unknown path) is read here too, and is not worth repeating.
      acceptStatus: (status) => status >= 400 && status < 500 && status !== 429,
      parse: (res) => parse(envelope(res)),
    };
  }

  /**
   * 企业登记 of at most MARKET_BATCH_LIMIT codes (USCC or 注册号), normalized; unknown codes are
   * absent, malformed records refused by their TYSHXYDM
   */
  async enterprises(codes: readonly string[]): Promise<CheckedRecords<Enterprise>> {
    requireBatch('enterprises', codes);
    return callChecked(this.http, this.call('/api/v2/enterprises', { codes: codes.join(',') }, (b) => checkRecords('market', dataList(b.data, 'enterprises'), byEnterprise, readEnterprise)));
  }

  /** 经营异常名录 entries of at most MARKET_BATCH_LIMIT codes; an enterprise with a malformed entry is refused whole */
  async abnormal(codes: readonly string[]): Promise<CheckedRecords<AbnormalOperation>> {
    requireBatch('abnormal', codes);
    return callChecked(this.http, this.call('/api/v2/abnormal', { codes: codes.join(',') }, (b) => checkRecords('market', dataList(b.data, 'abnormal'), byEnterprise, readAbnormal)));
  }

  /**
   * Every 行政处罚 of one code. The system pages them (at most 50 a page) and takes one code per
   * call: the first page says how many there are, the remaining pages are asked for together.
   */
  async penalties(code: string): Promise<Penalty[]> {
    // one bad row refuses the enterprise's whole list (everyPage)
    return everyPage(this.http, MARKET_PENALTY_PAGE_SIZE, (n) =>
      this.call('/api/v2/penalties', { code, page: n, size: MARKET_PENALTY_PAGE_SIZE }, (b) => {
        if (typeof b.total !== 'number' || !Number.isSafeInteger(b.total) || b.total < 0) throw new Error('penalties answer has no total');
        return { total: b.total, records: checkRecords('market', dataList(b.data, 'penalties'), (row) => `${code} ${textField(row, 'CFWSH')}`, readPenalty) };
      }),
    );
  }

  /** registered names containing `name`, at most `size` (1…MARKET_MAX_SEARCH_SIZE) */
  async search(name: string, size: number): Promise<SearchRow[]> {
    if (!Number.isInteger(size) || size < 1 || size > MARKET_MAX_SEARCH_SIZE) {
      throw new Error(`market search size must be a whole number from 1 to ${MARKET_MAX_SEARCH_SIZE}, got ${size}`);
    }
    if (name.trim() === '') throw new Error('market search needs a non-empty name');
    return this.http.call(this.call('/api/v2/search', { name, size }, (b) => rows(b.data, SEARCH_FIELDS, 'search')));
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
