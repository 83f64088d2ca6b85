import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The frame every legacy stand-in shares: the admin API real systems do not have
 * (`/__admin/stats`, `/__admin/reset`, `/__admin/faults`), the base latency
 * (`LEGACY_LATENCY_MS`), injected faults, and request bookkeeping. A stand-in supplies only
 * its department's protocol (`handle`) and what its system answers when it "fails" (`failure`).
 */

export interface StandInRequest {
  method: string;
  /** path without the query string */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** the client's address as the socket reports it (per-client limits such as the courts' in-flight cap) */
  remoteAddress?: string;
}

export interface StandInResponse {
  status: number;
  headers?: Record<string, string>;
  body: string | Buffer;
}

export interface RequestContext {
  /** records how many identifiers this call asked for (the `keys` figure of /__admin/stats) */
  countKeys(n: number): void;
  /** whether the records of this subject (USCC) are to be sent malformed (fault `malformed`) */
  malformed(uscc: string): boolean;
}

export interface Faults {
  latencyMs: number;
  jitterMs: number;
  errorRate: number;
  /** the port still accepts connections but never answers, like a hung system */
  down: boolean;
  /**
   * USCCs whose records the system sends malformed — each stand-in its own way (a date 20231345,
   * an amount that is not a number, an unknown code), as a real system's bad row would come:
   * HTTP 200 and the rest of the answer intact. Subjects without a record are answered as usual.
   */
  malformed: string[];
}

/**
 * What `admit` decides before latency and faults apply: refuse at once (a limit such as the
 * courts' "more than 8 in flight → 429"), or admit with a `release` the frame calls exactly once
 * when the response is finished or the client goes away.
 */
export type Admission = { refuse: StandInResponse } | { release(): void };

export interface StandInOptions {
  name: string;
  latencyMs: number;
  handle(req: StandInRequest, ctx: RequestContext): Promise<StandInResponse> | StandInResponse;
  /** the department's own way of saying "system busy" (used for injected errors) */
  failure(req: StandInRequest): StandInResponse;
  /** optional gate run for every non-admin request before latency, faults and `handle` */
  admit?(req: StandInRequest): Admission;
  /** cap on request bodies; a legacy system refuses larger ones */
  maxBodyBytes?: number;
}

export interface StandInStats {
  requests: number;
  keys: number;
}

export interface StandIn {
  readonly name: string;
  listen(port: number, host?: string): Promise<string>;
  close(): Promise<void>;
  stats(): StandInStats;
  setFaults(faults: Partial<Faults>): Faults;
  reset(): void;
  /** the URL once listening */
  readonly url: string;
}

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

function validFaults(input: unknown, current: Faults): Faults {
  if (typeof input !== 'object' || input === null) throw new Error('faults must be a JSON object');
  const next = { ...current };
  const f = input as Record<string, unknown>;
  for (const key of ['latencyMs', 'jitterMs', 'errorRate'] as const) {
    if (f[key] === undefined) continue;
    const v = f[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (key === 'errorRate' && v > 1)) {
      throw new Error(`faults.${key} must be a non-negative number${key === 'errorRate' ? ' at most 1' : ''}, got ${JSON.stringify(v)}`);
    }
    next[key] = v;
  }
  if (f.down !== undefined) {
    if (typeof f.down !== 'boolean') throw new Error(`faults.down must be a boolean, got ${JSON.stringify(f.down)}`);
    next.down = f.down;
  }
  if (f.malformed !== undefined) {
    if (!Array.isArray(f.malformed) || !f.malformed.every((u) => typeof u === 'string')) {
      throw new Error(`faults.malformed must be an array of USCCs, got ${JSON.stringify(f.malformed)}`);
    }
    next.malformed = [...f.malformed];
  }
  return next;
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** a latency's wait; unref'd: a closed stand-in's answers still waiting must not hold the process open */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

export function createStandIn(options: StandInOptions): StandIn {
  if (typeof options.latencyMs !== 'number' || !Number.isFinite(options.latencyMs) || options.latencyMs < 0) {
    throw new Error(`${options.name} stand-in: latencyMs must be a non-negative number of milliseconds, got ${JSON.stringify(options.latencyMs)}`);
  }
  const baseFaults: Faults = { latencyMs: options.latencyMs, jitterMs: 0, errorRate: 0, down: false, malformed: [] };
  let faults: Faults = { ...baseFaults };
  let stats: StandInStats = { requests: 0, keys: 0 };
  let url = '';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const sockets = new Set<import('node:net').Socket>();

  const send = (res: http.ServerResponse, r: StandInResponse) => {
    if (res.destroyed) return;
    res.writeHead(r.status, r.headers ?? {});
    res.end(r.body);
  };
  const json = (res: http.ServerResponse, status: number, body: unknown) =>
    send(res, { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  const server = http.createServer(async (req, res) => {
    const arrivedAt = performance.now();
    const parsed = new URL(req.url ?? '/', 'http://stand-in');
    let body: Buffer;
    try {
      body = await readBody(req, maxBodyBytes);
    } catch {
      return json(res, 413, { error: 'request body too large' });
    }

    if (parsed.pathname.startsWith('/__admin/')) {
      const op = parsed.pathname.slice('/__admin/'.length);
      if (op === 'stats' && req.method === 'GET') return json(res, 200, stats);
      if (op === 'reset' && req.method === 'POST') {
        stats = { requests: 0, keys: 0 };
        faults = { ...baseFaults };
        return json(res, 200, { ok: true });
      }
      if (op === 'faults' && req.method === 'POST') {
        try {
          faults = validFaults(JSON.parse(body.toString('utf8') || '{}'), faults);
          return json(res, 200, faults);
        } catch (e) {
          return json(res, 400, { error: (e as Error).message });
        }
      }
      if (op === 'faults' && req.method === 'GET') return json(res, 200, faults);
      return json(res, 404, { error: 'unknown admin operation' });
    }

    stats.requests += 1;
    // A hung system: the connection stays open and nothing is ever written.
    if (faults.down) return;
    const request: StandInRequest = {
      method: req.method ?? 'GET',
      path: parsed.pathname,
      query: parsed.searchParams,
      headers: req.headers,
      body,
      remoteAddress: req.socket.remoteAddress ?? '',
    };
    const admission = options.admit?.(request);
    if (admission && 'refuse' in admission) return send(res, admission.refuse);
    // 'close' fires once: when the response is done or the client hung up (e.g. while `down`).
    if (admission) res.once('close', () => admission.release());
    const delay = faults.latencyMs + (faults.jitterMs > 0 ? Math.random() * faults.jitterMs : 0);
    // The system answers `delay` after the request arrived, its own work inside that time as a
    // real system's is: the stand-in prepares its answer first and waits out only the rest. Its
    // work on top of the latency (five stand-ins share one process, each answer's record built and
    // encoded after the wait) was counted as the gateway's in every figure measured against it.
    const answer = prepare(request);
    const rest = arrivedAt + delay - performance.now();
    if (rest > 0) await sleep(rest);
    if (faults.down) return;
    if (faults.errorRate > 0 && Math.random() < faults.errorRate) return send(res, options.failure(request));
    send(res, await answer);
  });

  async function prepare(request: StandInRequest): Promise<StandInResponse> {
    try {
      const malformed = new Set(faults.malformed);
      const ctx: RequestContext = { countKeys: (n) => void (stats.keys += n), malformed: (uscc) => malformed.has(uscc) };
      return await options.handle(request, ctx);
    } catch {
      return options.failure(request);
    }
  }
  server.keepAliveTimeout = 30_000;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  return {
    name: options.name,
    get url() {
      return url;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          const addr = server.address() as AddressInfo;
          url = `http://${host}:${addr.port}`;
          resolve(url);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
    stats: () => ({ ...stats }),
    setFaults(f) {
      faults = validFaults(f, faults);
      return faults;
    },
    reset() {
      stats = { requests: 0, keys: 0 };
      faults = { ...baseFaults };
    },
  };
}
