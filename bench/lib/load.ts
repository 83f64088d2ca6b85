import autocannon from 'autocannon';

/**
 * A fixed-duration autocannon run against one GraphQL endpoint. Bodies come from `nextBody` (so a
 * run can rotate subjects). A 200 whose body carries `"errors"` is counted apart: GraphQL reports
 * failures with HTTP 200, and a failed section is cheaper than a full one — throughput counts
 * only complete, error-free answers.
 */

export interface LoadOptions {
  url: string;
  token?: string;
  nextBody(): string;
  connections: number;
  durationSeconds: number;
  /** every response's status and body (autocannon hands bodies to `onResponse`); keep it cheap */
  onBody?(status: number, body: string): void;
  /** every response's status and latency (ms, as autocannon measured it) */
  onLatency?(status: number, ms: number): void;
}

export interface LoadResult {
  startedAt: string;
  finishedAt: string;
  durationSeconds: number;
  connections: number;
  /** responses received */
  responses: number;
  /** HTTP 2xx without GraphQL errors */
  ok: number;
  /** HTTP 2xx whose body had "errors" */
  withErrors: number;
  non2xx: number;
  /** responses by status class */
  statusClasses: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number };
  connectionErrors: number;
  timeouts: number;
  /** ok responses per second */
  okPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; mean: number; max: number };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let withErrors = 0;
  let answered2xx = 0;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const opts: autocannon.Options = {
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers,
        setupRequest: (req) => ({ ...req, body: options.nextBody() }),
        onResponse: (status, body) => {
          if (status >= 200 && status < 300) {
            answered2xx++;
            if (body.includes('"errors"')) withErrors++;
          }
          options.onBody?.(status, body);
        },
      },
    ],
  };
  // The callback form returns the instance, whose 'response' events carry each latency
  // (emitted as (client, statusCode, resBytes, responseTime), whatever @types/autocannon says).
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(opts, (err, r) => (err ? reject(err) : resolve(r)));
    const onLatency = options.onLatency;
    if (onLatency) (instance as NodeJS.EventEmitter).on('response', (_client: unknown, status: number, _bytes: number, ms: number) => onLatency(status, ms));
  });
  const responses = result['1xx'] + result['2xx'] + result['3xx'] + result['4xx'] + result['5xx'];
  const ok = answered2xx - withErrors;
  const durationSeconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  return {
    startedAt: result.start.toISOString(),
    finishedAt: result.finish.toISOString(),
    durationSeconds,
    connections: options.connections,
    responses,
    ok,
    withErrors,
    non2xx: result.non2xx,
    statusClasses: { '1xx': result['1xx'], '2xx': result['2xx'], '3xx': result['3xx'], '4xx': result['4xx'], '5xx': result['5xx'] },
    connectionErrors: result.errors,
    timeouts: result.timeouts,
    okPerSecond: Math.round((ok / durationSeconds) * 10) / 10,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, mean: Math.round(result.latency.mean * 10) / 10, max: result.latency.max },
  };
}
