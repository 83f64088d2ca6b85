import { signFinanceRequest } from '../../lib/finance/signature';
import { LegacyBusyError, LegacyClient, type LegacyClientOptions } from '../../lib/legacy/LegacyClient';

/**
 * Adapter of the finance platform's signed REST API (legacy-systems.md §5). Every attempt is
 * signed afresh: the platform refuses a reused nonce, so a retry must never replay headers.
 */

export const FINANCE_BATCH_LIMIT = 50;
const BATCH_PATH = '/openapi/v1/credit/batch';
/** errcodes the platform uses for "try again later" */
const BUSY_ERRCODES = new Set([50001, 50002, 50003]);

export interface FinanceCredit {
  code: string;
  dkye: number;
  yqje: number;
  yqts: number;
  dwdbje: number;
  pjjg?: string;
  pjdj?: string;
  pjrq?: string;
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

  /** at most FINANCE_BATCH_LIMIT codes; subjects the platform does not know are absent */
  async creditBatch(codes: readonly string[]): Promise<FinanceCredit[]> {
    if (codes.length > FINANCE_BATCH_LIMIT) throw new Error(`finance batch takes at most ${FINANCE_BATCH_LIMIT} codes, got ${codes.length}`);
    const body = JSON.stringify({ codes });
    const path = `${new URL(this.options.baseUrl).pathname.replace(/\/$/, '')}${BATCH_PATH}`;
    return this.http.call({
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
        let parsed: { errcode?: number; data?: FinanceCredit[] };
        try {
          parsed = JSON.parse(res.body.toString('utf8'));
        } catch {
          throw res.status >= 500 ? new LegacyBusyError(`HTTP ${res.status}`) : new Error(`HTTP ${res.status}, body is not JSON`);
        }
        if (parsed.errcode === 0 && Array.isArray(parsed.data)) return parsed.data;
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
