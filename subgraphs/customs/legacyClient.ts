import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { decimalToCents } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
import { callChecked, checkRecords, quoted, textField, type CheckedRecords } from '../../lib/legacy/checkedRecords';
import { LegacyClient, type LegacyClientOptions, type LegacyResponse } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of the customs 企业信用数据接口 (legacy-systems.md §4). Customs knows enterprises by
 * their 10-digit 海关编码 only: a JSON mapping USCC → 海关编码 first, then a GBK CSV export by
 * 海关编码. Both are reads. When the application is down its front proxy answers 503 with an HTML
 * page naming internal hosts: that body never leaves this module (LegacyClient reports `HTTP 503`).
 */

export const MAPPING_BATCH_LIMIT = 100;
export const CSV_BATCH_LIMIT = 50;
export const MAPPING_PATH = '/api/mapping';
export const CREDIT_CSV_PATH = '/api/credit.csv';
/** what the export is written in when its Content-Type does not say */
const CSV_CHARSET = 'GBK';

export const CREDIT_CSV_HEADER = ['海关编码', '企业名称', '信用等级', '认定日期', '年度', '进口额(美元)', '出口额(美元)', '违规次数'] as const;
/** 信用等级 as customs writes it → the graph's enum (the text is kept as creditClassText) */
export const CREDIT_CLASSES = { 高级认证企业: 'ADVANCED_CERTIFIED', 失信企业: 'DISHONEST', 常规: 'REGULAR' } as const;
export type CreditClassText = keyof typeof CREDIT_CLASSES;
export type CreditClass = (typeof CREDIT_CLASSES)[CreditClassText];

export interface CustomsMapping {
  uscc: string;
  /** 海关编码 */
  hgbm: string;
}

/** One enterprise of the CSV export: its rows (one per year) gathered, money in US cents. */
export interface CustomsCreditRecord {
  customsCode: string;
  name: string;
  creditClass: CreditClass;
  creditClassText: CreditClassText;
  /** 认定日期, YYYY-MM-DD; null when the export leaves it empty */
  certifiedOn: string | null;
  years: { year: number; importUsdCents: bigint; exportUsdCents: bigint; violations: number }[];
}

export interface CustomsClientOptions {
  baseUrl: string;
  user: string;
  password: string;
  timeoutMs?: number;
  client?: Partial<LegacyClientOptions>;
}

function headerValue(res: LegacyResponse, name: string): string {
  const v = res.headers[name];
  return (Array.isArray(v) ? v[0] : v) ?? '';
}

/** 4xx reach `parse` (LegacyClient retries 429/5xx itself); none of them is worth repeating. */
function requireOk(res: LegacyResponse): void {
  if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
}

/** `{"items":[{uscc, hgbm}]}`; an item whose 海关编码 is not 10 digits is refused by its USCC. */
export function parseMapping(res: LegacyResponse): CheckedRecords<CustomsMapping> {
  requireOk(res);
  let parsed: { items?: unknown };
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error('mapping answer is not JSON');
  }
  if (!Array.isArray(parsed?.items)) throw new Error('mapping answer has no items list');
  return checkRecords(
    'customs',
    parsed.items,
    (item) => textField(item, 'uscc'),
    (item) => {
      const hgbm = textField(item, 'hgbm');
      if (!/^\d{10}$/.test(hgbm)) throw new Error(`hgbm ${quoted(hgbm)} is not 10 digits`);
      return { uscc: textField(item, 'uscc'), hgbm };
    },
  );
}

function usdToCents(value: string, column: string): bigint {
  const cents = decimalToCents(value);
  if (cents === undefined) throw new Error(`${column} ${quoted(value)} is not an amount in dollars`);
  return cents;
}

type CsvRow = string[];

/** One CSV row, checked: the enterprise's fields and one year's figures. */
function readRow([customsCode = '', name = '', classText = '', certifiedOn = '', year = '', importUsd = '', exportUsd = '', violations = '']: CsvRow) {
  if (!Object.hasOwn(CREDIT_CLASSES, classText)) throw new Error(`信用等级 ${quoted(classText)} is not a known class`);
  if (certifiedOn !== '' && !isIsoDate(certifiedOn)) throw new Error(`认定日期 ${quoted(certifiedOn)} is not a YYYY-MM-DD date`);
  if (!/^\d{4}$/.test(year)) throw new Error(`年度 ${quoted(year)} is not a year`);
  if (!/^\d+$/.test(violations)) throw new Error(`违规次数 ${quoted(violations)} is not a count`);
  const creditClassText = classText as CreditClassText;
  return {
    customsCode,
    name,
    creditClass: CREDIT_CLASSES[creditClassText],
    creditClassText,
    certifiedOn: certifiedOn || null,
    year: { year: Number(year), importUsdCents: usdToCents(importUsd, '进口额(美元)'), exportUsdCents: usdToCents(exportUsd, '出口额(美元)'), violations: Number(violations) },
  };
}

/** The export, one record per 海关编码; an enterprise with a malformed row is refused whole, by its 海关编码. */
export function parseCreditCsv(res: LegacyResponse): CheckedRecords<CustomsCreditRecord> {
  requireOk(res);
  const charset = /charset\s*=\s*"?([\w-]+)"?/i.exec(headerValue(res, 'content-type'))?.[1] ?? CSV_CHARSET;
  if (!iconv.encodingExists(charset)) throw new Error(`unknown charset ${charset}`);
  let rows: CsvRow[];
  try {
    rows = parse(iconv.decode(res.body, charset), { bom: true, skip_empty_lines: true }) as CsvRow[];
  } catch {
    throw new Error('credit.csv is not well-formed CSV');
  }
  const [header, ...data] = rows;
  // The columns are read by position: refuse an export whose layout changed rather than misread it.
  if (!header || header.length !== CREDIT_CSV_HEADER.length || header.some((h, i) => h.trim() !== CREDIT_CSV_HEADER[i])) {
    throw new Error('credit.csv header is not the documented one');
  }
  const identify = (row: unknown): string => {
    const code = (row as CsvRow)[0] ?? '';
    if (!/^\d{10}$/.test(code)) throw new Error('海关编码 is not 10 digits');
    return code;
  };
  const { records: checkedRows, malformed } = checkRecords('customs', data, identify, (row) => readRow(row as CsvRow));
  const byCode = new Map<string, CustomsCreditRecord>();
  for (const { year, ...enterprise } of checkedRows) {
    const record = byCode.get(enterprise.customsCode) ?? { ...enterprise, years: [] };
    byCode.set(enterprise.customsCode, record);
    record.years.push(year);
  }
  return { records: [...byCode.values()], malformed };
}

export class CustomsClient {
  private readonly http: LegacyClient;
  private readonly authorization: string;

  constructor(options: CustomsClientOptions) {
    // RFC 7617: a user-id with a colon cannot be carried by Basic auth.
    if (options.user.includes(':')) throw new Error('CustomsClient: user must not contain ":" (HTTP Basic)');
    this.authorization = `Basic ${Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64')}`;
    this.http = new LegacyClient({
      department: 'customs',
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs ?? 2000,
      // The front proxy's maintenance page always says Retry-After: 30, beyond any request's
      // deadline; one short pause still rides out a blip without waiting the deadline away.
      maxRetryAfterMs: 250,
      ...options.client,
    });
  }

  /** at most MAPPING_BATCH_LIMIT codes; enterprises not registered with customs are absent */
  async mapping(usccs: readonly string[]): Promise<CheckedRecords<CustomsMapping>> {
    if (usccs.length > MAPPING_BATCH_LIMIT) throw new Error(`customs mapping takes at most ${MAPPING_BATCH_LIMIT} codes, got ${usccs.length}`);
    if (usccs.length === 0) return { records: [], malformed: [] };
    return callChecked(this.http, {
      method: 'POST',
      path: MAPPING_PATH,
      body: JSON.stringify({ uscc: usccs }),
      // A look-up despite POST: repeating it changes nothing.
      idempotent: true,
      headers: () => ({ 'content-type': 'application/json', authorization: this.authorization }),
      parse: parseMapping,
    });
  }

  /** at most CSV_BATCH_LIMIT 海关编码; codes the export does not know are absent */
  async creditCsv(codes: readonly string[]): Promise<CheckedRecords<CustomsCreditRecord>> {
    if (codes.length > CSV_BATCH_LIMIT) throw new Error(`customs credit.csv takes at most ${CSV_BATCH_LIMIT} codes, got ${codes.length}`);
    if (codes.length === 0) return { records: [], malformed: [] };
    return callChecked(this.http, {
      method: 'GET',
      path: CREDIT_CSV_PATH,
      query: { hgbm: codes.join(',') },
      idempotent: true,
      headers: () => ({ authorization: this.authorization }),
      parse: parseCreditCsv,
    });
  }

  /** closes the circuit with nothing counted (LegacyClient.resetCircuit) */
  resetCircuit(): void {
    this.http.resetCircuit();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
