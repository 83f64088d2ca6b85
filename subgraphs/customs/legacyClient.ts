import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { decimalToCents } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
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
export const CREDIT_CLASS_TEXTS = ['高级认证企业', '失信企业', '常规'] as const;
export type CreditClassText = (typeof CREDIT_CLASS_TEXTS)[number];

export interface CustomsMapping {
  uscc: string;
  /** 海关编码 */
  hgbm: string;
}

/** One enterprise of the CSV export: its rows (one per year) gathered, money in US cents. */
export interface CustomsCreditRecord {
  customsCode: string;
  name: string;
  creditClass: CreditClassText;
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

export function parseMapping(res: LegacyResponse): CustomsMapping[] {
  requireOk(res);
  let parsed: { items?: unknown };
  try {
    parsed = JSON.parse(res.body.toString('utf8'));
  } catch {
    throw new Error('mapping answer is not JSON');
  }
  if (!Array.isArray(parsed?.items)) throw new Error('mapping answer has no items list');
  return parsed.items.map((item: unknown) => {
    const { uscc, hgbm } = (item ?? {}) as { uscc?: unknown; hgbm?: unknown };
    if (typeof uscc !== 'string' || typeof hgbm !== 'string' || !/^\d{10}$/.test(hgbm)) {
      throw new Error('mapping item is not {uscc, hgbm: 10 digits}');
    }
    return { uscc, hgbm };
  });
}

function usdToCents(value: string, column: string): bigint {
  const cents = decimalToCents(value);
  if (cents === undefined) throw new Error(`${column} is not an amount in dollars`);
  return cents;
}

export function parseCreditCsv(res: LegacyResponse): CustomsCreditRecord[] {
  requireOk(res);
  const charset = /charset\s*=\s*"?([\w-]+)"?/i.exec(headerValue(res, 'content-type'))?.[1] ?? CSV_CHARSET;
  if (!iconv.encodingExists(charset)) throw new Error(`unknown charset ${charset}`);
  let rows: string[][];
  try {
    rows = parse(iconv.decode(res.body, charset), { bom: true, skip_empty_lines: true }) as string[][];
  } catch {
    throw new Error('credit.csv is not well-formed CSV');
  }
  const [header, ...data] = rows;
  // The columns are read by position: refuse an export whose layout changed rather than misread it.
  if (!header || header.length !== CREDIT_CSV_HEADER.length || header.some((h, i) => h.trim() !== CREDIT_CSV_HEADER[i])) {
    throw new Error('credit.csv header is not the documented one');
  }
  const byCode = new Map<string, CustomsCreditRecord>();
  for (const [customsCode = '', name = '', classText = '', certifiedOn = '', year = '', importUsd = '', exportUsd = '', violations = ''] of data) {
    if (!/^\d{10}$/.test(customsCode)) throw new Error('海关编码 is not 10 digits');
    if (!(CREDIT_CLASS_TEXTS as readonly string[]).includes(classText)) throw new Error('信用等级 is not a known class');
    if (certifiedOn !== '' && !isIsoDate(certifiedOn)) throw new Error('认定日期 is not a YYYY-MM-DD date');
    if (!/^\d{4}$/.test(year)) throw new Error('年度 is not a year');
    if (!/^\d+$/.test(violations)) throw new Error('违规次数 is not a count');
    let record = byCode.get(customsCode);
    if (!record) {
      record = { customsCode, name, creditClass: classText as CreditClassText, certifiedOn: certifiedOn || null, years: [] };
      byCode.set(customsCode, record);
    }
    record.years.push({
      year: Number(year),
      importUsdCents: usdToCents(importUsd, '进口额(美元)'),
      exportUsdCents: usdToCents(exportUsd, '出口额(美元)'),
      violations: Number(violations),
    });
  }
  return [...byCode.values()];
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
  async mapping(usccs: readonly string[]): Promise<CustomsMapping[]> {
    if (usccs.length > MAPPING_BATCH_LIMIT) throw new Error(`customs mapping takes at most ${MAPPING_BATCH_LIMIT} codes, got ${usccs.length}`);
    if (usccs.length === 0) return [];
    return this.http.call({
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
  async creditCsv(codes: readonly string[]): Promise<CustomsCreditRecord[]> {
    if (codes.length > CSV_BATCH_LIMIT) throw new Error(`customs credit.csv takes at most ${CSV_BATCH_LIMIT} codes, got ${codes.length}`);
    if (codes.length === 0) return [];
    return this.http.call({
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
