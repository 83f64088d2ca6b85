import CircuitBreaker from 'opossum';
import { Pool } from 'undici';
import type { Department } from '../config';
import { DepartmentUnavailableError } from '../errors';
import { metrics, watchBreaker } from '../observability/metrics';
import { countScope } from '../observability/requestScope';
import { span } from '../observability/spans';
import { currentBudget } from './requestBudget';
import { Semaphore } from './Semaphore';

/**
 * The one HTTP client every department adapter uses: keep-alive pool, an overall deadline per call,
 * bounded retries with jitter for idempotent reads only (honouring Retry-After), a concurrency cap
 * (the court refuses more than 8 in flight), and a circuit breaker so a failing system fails fast
 * instead of piling up requests. Every failure surfaces as DepartmentUnavailableError: the
 * upstream body and URL stay in the logs, never in a response.
 */

export interface LegacyResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Thrown by an adapter's `parse` when the system answered "busy" in its own way (e.g. code 9999 in HTTP 200). */
export class LegacyBusyError extends Error {}

export interface LegacyCall<T> {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number>;
  /** computed per attempt (signed requests need a fresh nonce each time) */
  headers?: () => Record<string, string>;
  body?: string | Buffer;
  /**
   * A read that may be repeated safely. Mutations are never retried: a retry after a timeout could
   * apply the change twice, and the caller could not tell.
   */
  idempotent: boolean;
  /**
   * Turns a response into the value; throw LegacyBusyError when the system said "busy" its own
   * way (retried), any other error for an unusable answer (not retried). 429 and 5xx never reach
   * `parse` unless `acceptStatus` claims them (SOAP faults travel as HTTP 500).
   */
  parse(response: LegacyResponse): T;
  acceptStatus?(status: number): boolean;
}

export interface LegacyClientOptions {
  department: Department;
  baseUrl: string;
  /** overall deadline of one call, retries included */
  timeoutMs: number;
  /** extra attempts for idempotent reads */
  retries?: number;
  /** most requests in flight at once; the rest wait their turn */
  maxConcurrency?: number;
  /**
   * Most a call may wait for a free slot. When set, `timeoutMs` counts from the moment the call
   * has its slot, so a system that is only busy (the court's 8 in flight) serves a large batch
   * in turn instead of failing its tail and opening the circuit; when no call has succeeded for a
   * whole `timeoutMs` (a hung system) the queue gives up at once. Unset: `timeoutMs` covers the
   * wait too. A call inside a batch's budget (lib/legacy/requestBudget.ts) waits as long as the
   * budget lasts instead: the budget grows with the batch, this limit does not.
   */
  queueTimeoutMs?: number;
  breaker?: {
    errorThresholdPercentage?: number;
    resetTimeoutMs?: number;
    volumeThreshold?: number;
    rollingCountTimeoutMs?: number;
    /** calls failing in a row, none answered meanwhile, that open the circuit whatever the error rate (default 5) */
    consecutiveFailures?: number;
  };
  /** most a Retry-After is honoured before giving up */
  maxRetryAfterMs?: number;
}

function validOptions(o: LegacyClientOptions): Required<Omit<LegacyClientOptions, 'breaker' | 'queueTimeoutMs'>> & {
  breaker: NonNullable<LegacyClientOptions['breaker']>;
  queueTimeoutMs: number | undefined;
} {
  const positive = (name: string, v: number | undefined, fallback: number, min = 1) => {
    const value = v ?? fallback;
    if (!Number.isFinite(value) || value < min) throw new Error(`LegacyClient(${o.department}): ${name} must be a number ≥ ${min}, got ${v}`);
    return value;
  };
  try {
    new URL(o.baseUrl);
  } catch {
    throw new Error(`LegacyClient(${o.department}): baseUrl must be a URL, got ${JSON.stringify(o.baseUrl)}`);
  }
  return {
    department: o.department,
    baseUrl: o.baseUrl,
    timeoutMs: positive('timeoutMs', o.timeoutMs, 1000),
    retries: positive('retries', o.retries, 1, 0),
    maxConcurrency: positive('maxConcurrency', o.maxConcurrency, 64),
    maxRetryAfterMs: positive('maxRetryAfterMs', o.maxRetryAfterMs, 2000, 0),
    queueTimeoutMs: o.queueTimeoutMs === undefined ? undefined : positive('queueTimeoutMs', o.queueTimeoutMs, 0),
    breaker: { ...o.breaker, consecutiveFailures: positive('breaker.consecutiveFailures', o.breaker?.consecutiveFailures, 5) },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

function retryAfterMs(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export class LegacyClient {
  readonly department: Department;
  private readonly options: ReturnType<typeof validOptions>;
  private readonly pool: Pool;
  private readonly semaphore: Semaphore;
  private breaker: CircuitBreaker<[() => Promise<unknown>], unknown>;
  /** calls to the system that succeeded, ever */
  private successes = 0;
  /** calls failed in a row, none of them while another call succeeded */
  private failuresInARow = 0;
  private readonly unwatchBreaker: () => void;

  constructor(options: LegacyClientOptions) {
    this.options = validOptions(options);
    this.department = options.department;
    const origin = new URL(this.options.baseUrl).origin;
    this.pool = new Pool(origin, { connections: Math.max(this.options.maxConcurrency, 8), keepAliveTimeout: 30_000, pipelining: 1 });
    this.semaphore = new Semaphore(this.options.maxConcurrency);
    this.breaker = this.newBreaker();
    this.unwatchBreaker = watchBreaker({ department: this.department, state: () => this.circuitState });
  }

  private newBreaker(): CircuitBreaker<[() => Promise<unknown>], unknown> {
    return new CircuitBreaker((fn: () => Promise<unknown>) => fn(), {
      // The deadline is enforced per call below; the breaker only counts outcomes.
      timeout: false,
      errorThresholdPercentage: this.options.breaker.errorThresholdPercentage ?? 50,
      resetTimeout: this.options.breaker.resetTimeoutMs ?? 5000,
      volumeThreshold: this.options.breaker.volumeThreshold ?? 5,
      rollingCountTimeout: this.options.breaker.rollingCountTimeoutMs ?? 10_000,
    });
  }

  get circuitState(): 'closed' | 'open' | 'half-open' {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /**
   * Closes the circuit with nothing counted, as after a restart (opossum's own close() keeps its
   * window): for an operator who knows the system is back, and for tests that must each start
   * from a closed circuit. Calls in flight finish as they would have.
   */
  resetCircuit(): void {
    this.breaker.shutdown();
    this.breaker = this.newBreaker();
    this.failuresInARow = 0;
  }

  /**
   * The latest a call of the current batch may finish: one deadline per round of the system's
   * slots the batch needs, from when it was asked — for a lone call, less the time the request
   * waited to reach this subgraph and the reserve for the answer's way back (requestBudget.ts).
   * Undefined outside a batch.
   */
  private budgetDeadline(): number | undefined {
    const budget = currentBudget();
    if (!budget) return undefined;
    const rounds = Math.max(1, Math.ceil(budget.calls / this.options.maxConcurrency));
    return budget.startedAt + rounds * this.options.timeoutMs - budget.reserveMs;
  }

  /**
   * One call, in a span of its own named by the department (the undici instrumentation's HTTP
   * spans of its attempts beneath it) and timed by outcome for /metrics.
   */
  async call<T>(call: LegacyCall<T>): Promise<T> {
    const startedAt = performance.now();
    const department = this.department;
    return span(`legacy ${department}`, { 'credit.department': department, 'legacy.method': call.method, 'legacy.path': call.path }, async (s) => {
      let outcome = 'ok';
      try {
        return await this.callInSlot(call);
      } catch (e) {
        const reason = e instanceof DepartmentUnavailableError ? e.reason : '';
        outcome = reason === 'circuit open' ? 'circuit_open' : /timed out|deadline|no time left|no free slot|not answering/.test(reason) ? 'timeout' : 'failed';
        s.setAttribute('legacy.outcome', outcome);
        throw e;
      } finally {
        metrics.legacyCallDuration.observe({ department, outcome }, (performance.now() - startedAt) / 1000);
      }
    });
  }

  private async callInSlot<T>(call: LegacyCall<T>): Promise<T> {
    const { timeoutMs, queueTimeoutMs } = this.options;
    const calledAt = Date.now();
    const budgetAt = this.budgetDeadline();
    // Inside a batch's budget the budget alone bounds the wait: it already grows with the batch's
    // rounds of slots, while the queue limit is fixed — it failed a 500-subject batch on a court
    // answering slower than 100 ms a call, healthy, only for the length of its own queue. A hung
    // system is the stall watchdog's (stallMs), not the queue limit's.
    const waitLimit = budgetAt === undefined ? queueTimeoutMs : Math.max(0, budgetAt - calledAt);
    try {
      // The slot first, then the breaker: only calls that reach the system count for the circuit,
      // so a long queue neither dilutes its error rate nor counts as failures, and once the circuit
      // opens the calls still queued fail fast as they come up.
      return (await this.semaphore.run(
        () => {
          const own = (queueTimeoutMs === undefined ? calledAt : Date.now()) + timeoutMs;
          const deadline = budgetAt === undefined ? own : Math.min(own, budgetAt);
          // No time left (the request waited in the gateway, or for a slot): that is not the
          // system's doing, so it is neither a call to it nor a failure for its circuit.
          if (deadline <= Date.now()) throw new DepartmentUnavailableError(this.department, "no time left of the request's deadline");
          return this.breaker.fire(() => this.observed(() => this.attempts(call, deadline)));
        },
        // A whole deadline without one call succeeding means the system hangs or fails: the queue
        // gives up with the calls in the slots rather than one deadline after another.
        { maxWaitMs: waitLimit, stallMs: queueTimeoutMs === undefined ? undefined : timeoutMs },
      )) as T;
    } catch (e) {
      if (e instanceof DepartmentUnavailableError) throw e;
      const reason = this.breaker.opened && (e as Error)?.message?.includes('Breaker is open') ? 'circuit open' : (e as Error)?.message ?? String(e);
      throw new DepartmentUnavailableError(this.department, reason);
    }
  }

  /**
   * opossum opens on the error rate over its rolling window, which the successes from before an
   * outage dilute: a system that hangs under traffic would keep every caller waiting out its
   * deadline until those successes leave the window (10 s). So `consecutiveFailures` calls failing
   * in a row open the circuit too, counting only calls during which no other call succeeded — one
   * that timed out while the system kept answering others says more about its own short deadline
   * than about the system.
   */
  private async observed<T>(run: () => Promise<T>): Promise<T> {
    const successesBefore = this.successes;
    try {
      const value = await run();
      this.successes += 1;
      this.failuresInARow = 0;
      return value;
    } catch (e) {
      if (this.successes === successesBefore) this.failuresInARow += 1;
      if (this.failuresInARow >= this.options.breaker.consecutiveFailures! && this.breaker.closed) this.breaker.open();
      throw e;
    }
  }

  private async attempts<T>(call: LegacyCall<T>, deadline: number): Promise<T> {
    const maxAttempts = call.idempotent ? this.options.retries + 1 : 1;
    let last: AttemptError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      try {
        return await this.attempt(call, remaining);
      } catch (e) {
        last = e instanceof AttemptError ? e : new AttemptError((e as Error).message, false);
        if (!last.retryable || attempt === maxAttempts) break;
        // Full jitter, or the system's own Retry-After when it gave one (court 429).
        const wait = last.retryAfterMs !== undefined ? Math.min(last.retryAfterMs, this.options.maxRetryAfterMs) : Math.random() * 50 * attempt;
        if (Date.now() + wait >= deadline) break;
        await sleep(wait);
      }
    }
    throw new DepartmentUnavailableError(this.department, last?.message ?? `deadline of ${this.options.timeoutMs} ms exceeded`);
  }

  private async attempt<T>(call: LegacyCall<T>, timeoutMs: number): Promise<T> {
    const query = call.query ? `?${new URLSearchParams(Object.entries(call.query).map(([k, v]): [string, string] => [k, String(v)])).toString()}` : '';
    const basePath = new URL(this.options.baseUrl).pathname.replace(/\/$/, '');
    let response: LegacyResponse;
    // the request's legacy calls, as its subgraph span's attribute (requests reaching the system)
    countScope('legacyCalls');
    try {
      const res = await this.pool.request({
        method: call.method,
        path: `${basePath}${call.path}${query}`,
        headers: call.headers?.(),
        body: call.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = Buffer.from(await res.body.arrayBuffer());
      response = { status: res.statusCode, headers: res.headers, body };
    } catch (e) {
      const name = (e as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError') metrics.legacyTimeouts.inc({ department: this.department });
      throw new AttemptError(name === 'TimeoutError' || name === 'AbortError' ? `timed out after ${timeoutMs} ms` : `network error: ${(e as Error).message}`, true);
    }
    if (call.acceptStatus?.(response.status)) {
      // the adapter reads this status itself
    } else if (response.status === 429 || response.status === 503) {
      throw new AttemptError(`HTTP ${response.status}`, true, retryAfterMs(response.headers['retry-after']));
    } else if (response.status >= 500) {
      throw new AttemptError(`HTTP ${response.status}`, true);
    }
    try {
      return call.parse(response);
    } catch (e) {
      throw new AttemptError(`unusable answer: ${(e as Error).message}`, e instanceof LegacyBusyError);
    }
  }

  async close(): Promise<void> {
    this.unwatchBreaker();
    this.breaker.shutdown();
    await this.pool.close();
  }
}
