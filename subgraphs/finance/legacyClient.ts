import { signFinanceRequest } from '../../lib/finance/signature';
import { centsToDecimal } from '../../lib/graphql/money';
import { isIsoDate } from '../../lib/graphql/scalars';
import { callChecked, checkRecords, quoted, textField, type CheckedRecords } from '../../lib/legacy/checkedRecords';
import { LegacyBusyError, LegacyClient, type LegacyClientOptions } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of the finance platform's signed REST API (legacy-systems.md §5). Every attempt is
 * signed afresh: the platform refuses a reused nonce, so a retry must never replay headers.
 */

export const FINANCE_BATCH_LIMIT = 50;
const BATCH_PATH = '/openapi/v1/credit/batch';
/** errcodes the platform uses for "try again later" */
const BUSY_ERRCODES = new Set([50001, 50002, 50003]);

/** One subject's credit record, normalized: amounts as yuan Decimals (the wire has integer 分). */
export interface FinanceCredit {
  code: string;
  loanBalance: string;
  overdueAmount: string;
  overdueDays: number;
  guaranteesGiven: string;
  /** null when the platform holds no complete rating (pjjg, pjdj, pjrq absent or empty) */
  rating: { agency: string; grade: string; ratedOn: string } | null;
}

/** pjdj: AAA … C, with + or − notches */
const RATING_GRADE = /^(AAA|AA|A|BBB|BB|B|CCC|CC|C)[+-]?$/;

/** an integer count of 分 (or of days) the platform sends as a JSON number */
function wholeNumber(row: unknown, field: string): number {
  const v = (row as Record<string, unknown>)[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new Error(`${field} ${quoted(String(v))} is not a whole non-negative number`);
  return v;
}

function optionalText(row: unknown, field: string): string {
  const v = (row as Record<string, unknown>)[field];
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new Error(`${field} is not text`);
  return v;
}

function readCredit(row: unknown): FinanceCredit {
  const [agency, grade, ratedOn] = ['pjjg', 'pjdj', 'pjrq'].map((f) => optionalText(row, f));
  let rating: FinanceCredit['rating'] = null;
  if (agency && grade && ratedOn) {
    if (!RATING_GRADE.test(grade)) throw new Error(`pjdj ${quoted(grade)} is not a rating AAA … C`);
    if (!isIsoDate(ratedOn)) throw new Error(`pjrq ${quoted(ratedOn)} is not a YYYY-MM-DD date`);
    rating = { agency, grade, ratedOn };
  }
  return {
    code: textField(row, 'code'),
    loanBalance: centsToDecimal(wholeNumber(row, 'dkye')),
    overdueAmount: centsToDecimal(wholeNumber(row, 'yqje')),
    overdueDays: wholeNumber(row, 'yqts'),
    guaranteesGiven: centsToDecimal(wholeNumber(row, 'dwdbje')),
    rating,
  };
}

export interface FinanceClientOptions {
  baseUrl: string;
  appId: string;
  appSecret: string;
  timeoutMs?: number;
  client?: Partial<LegacyClientOptions>;
}

export class FinanceClient {
  private readonly http: LegacyClient;
  constructor(private readonly options: FinanceClientOptions) {
    this.http = new LegacyClient({ department: 'finance', baseUrl: options.baseUrl, timeoutMs: options.timeoutMs ?? 2000, ...options.client });
  }

  /** at most FINANCE_BATCH_LIMIT codes; subjects the platform does not know are absent, malformed records refused by code */
  async creditBatch(codes: readonly string[]): Promise<CheckedRecords<FinanceCredit>> {
    if (codes.length > FINANCE_BATCH_LIMIT) throw new Error(`finance batch takes at most ${FINANCE_BATCH_LIMIT} codes, got ${codes.length}`);
    const body = JSON.stringify({ codes });
    const path = `${new URL(this.options.baseUrl).pathname.replace(/\/$/, '')}${BATCH_PATH}`;
    return callChecked(this.http, {
      method: 'POST',
      path: BATCH_PATH,
      body,
      // A read despite POST: repeating it changes nothing, so it may be retried (with a new nonce).
      idempotent: true,
      headers: () => ({
        'content-type': 'application/json',
        ...signFinanceRequest({ appId: this.options.appId, secret: this.options.appSecret, method: 'POST', path, body }),
      }),
      acceptStatus: (status) => status >= 400 && status !== 429,
      parse: (res) => {
        let parsed: { errcode?: number; data?: unknown };
        try {
          parsed = JSON.parse(res.body.toString('utf8'));
        } catch {
          throw res.status >= 500 ? new LegacyBusyError(`HTTP ${res.status}`) : new Error(`HTTP ${res.status}, body is not JSON`);
        }
        if (parsed.errcode === 0 && Array.isArray(parsed.data)) return checkRecords('finance', parsed.data, (row) => textField(row, 'code'), readCredit);
        if (BUSY_ERRCODES.has(parsed.errcode ?? -1) || res.status >= 500) throw new LegacyBusyError(`errcode ${parsed.errcode}`);
        throw new Error(`refused with errcode ${parsed.errcode} (HTTP ${res.status})`);
      },
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
