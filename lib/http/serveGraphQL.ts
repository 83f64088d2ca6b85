import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { ErrorCode } from '../errors';
import { describeError, logError, logger } from '../log';
import { metrics } from '../observability/metrics';
import { currentScope, withRequestScope } from '../observability/requestScope';
import { activeTraceId } from '../observability/spans';

/**
 * The HTTP face shared by the gateway and every subgraph: `POST /graphql` (JSON only, bounded
 * body), extra routes such as `/healthz`, and refusals that never reach GraphQL (bad JSON, wrong
 * method or content type, oversized body) answered as 4xx with a GraphQL-shaped error body.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

/** What the listener knows of a request before its context exists. */
export interface RequestArrival {
  /** when the request reached this process's handler (ms since the epoch) */
  receivedAt: number;
  /** the parsed JSON body: `query`, `variables`, `operationName` */
  body: Record<string, unknown>;
}

export interface ServeGraphQLOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** builds the per-request context; throw HttpError to refuse (401, 429, …) before execution */
  context(req: http.IncomingMessage, res: http.ServerResponse, arrival: RequestArrival): Promise<TContext>;
  /** runs the request's execution, e.g. inside request-scoped state its resolvers read */
  execute?<T>(context: TContext, run: () => Promise<T>): Promise<T>;
  /** runs before the body is read; throw HttpError to refuse early */
  beforeRequest?(req: http.IncomingMessage): Promise<void> | void;
  maxBodyBytes?: number;
  /** `METHOD /path` → handler, e.g. `GET /healthz` */
  routes?: Record<string, RouteHandler>;
  graphqlPath?: string;
  /** the service's name in metrics and logs: gateway, a subgraph's name (default graphql) */
  service?: string;
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendHttpError(res: http.ServerResponse, e: HttpError, service: string): void {
  metrics.errors.inc({ service, code: e.code });
  sendJson(res, e.status, { errors: [{ message: e.message, extensions: { code: e.code } }] }, e.headers);
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // closed after the answer: otherwise the client goes on sending a body nobody reads
    const tooLarge = () => new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`, { connection: 'close' });
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    // the client went away or Node cut a slow body (requestTimeout): nobody is left to answer
    req.on('error', () => reject(new HttpError(400, 'BAD_REQUEST', 'request body incomplete')));
  });
}

function parseJsonBody(req: http.IncomingMessage, raw: Buffer): unknown {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  const [mediaType, ...params] = type.split(';').map((s) => s.trim());
  if (mediaType !== 'application/json' && mediaType !== 'application/graphql-response+json') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'requests must be POSTed as application/json');
  }
  const charset = params.find((p) => p.startsWith('charset='))?.slice('charset='.length);
  if (charset && charset.replace(/"/g, '') !== 'utf-8') {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'requests must be encoded in utf-8');
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'request body is not valid JSON');
  }
}

export function createGraphQLListener<TContext extends BaseContext>(options: ServeGraphQLOptions<TContext>): http.RequestListener {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const graphqlPath = options.graphqlPath ?? '/graphql';
  const routes = options.routes ?? {};
  const service = options.service ?? 'graphql';

  // Each request in its own scope: log lines and trace attributes written anywhere below it
  // (legacy client, cache, error masking) name its request id (lib/observability/requestScope.ts).
  return (req, res) => withRequestScope(() => serve(req, res));

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    // 'finish' comes from the socket, outside this request's async context: keep what names it
    const scope = currentScope();
    const traceId = activeTraceId();
    res.once('finish', () => {
      metrics.httpRequests.inc({ service, status: String(res.statusCode) });
      if (!logger.isLevelEnabled('debug')) return;
      // headers are redacted and the line scrubbed by lib/log.ts; bodies are never logged
      logger.debug({
        event: 'request',
        service,
        requestId: scope?.requestId,
        traceId,
        req: { method: req.method, url: req.url, headers: req.headers },
        status: res.statusCode,
        durationMs: Date.now() - receivedAt,
      });
    });
    const path = (req.url ?? '/').split('?')[0];
    const route = routes[`${req.method} ${path}`];
    try {
      if (route) return await route(req, res);
      if (path !== graphqlPath) throw new HttpError(404, 'NOT_FOUND', 'not found');
      if (req.method !== 'POST') throw new HttpError(405, 'METHOD_NOT_ALLOWED', 'use POST', { allow: 'POST' });
      await options.beforeRequest?.(req);
      const body = parseJsonBody(req, await readBody(req, maxBodyBytes));
      if (typeof body !== 'object' || body === null || Array.isArray(body)) {
        throw new HttpError(400, 'BAD_REQUEST', 'request body must be a JSON object (batched requests are not supported)');
      }
      // Context first: an unauthenticated request is refused before anything is parsed or planned.
      const context = await options.context(req, res, { receivedAt, body: body as Record<string, unknown> });

      const headers = new HeaderMap();
      for (const [key, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
      }
      const run = () =>
        options.apollo.executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: 'POST', headers, search: '', body },
          context: async () => context,
        });
      const response = await (options.execute ? options.execute(context, run) : run());
      for (const [key, value] of response.headers) res.setHeader(key, value);
      res.statusCode = response.status ?? 200;
      if (response.body.kind === 'complete') {
        res.end(response.body.string);
      } else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      if (e instanceof HttpError) return sendHttpError(res, e, service);
      // Never a stack or an internal detail to the client.
      logError({ event: 'unexpected error serving a request', method: req.method, path, error: describeError(e) });
      metrics.errors.inc({ service, code: 'INTERNAL_SERVER_ERROR' });
      sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' satisfies ErrorCode } }] });
    }
  }
}

export interface Listening {
  server: http.Server;
  url: string;
  port: number;
  /** stops accepting, lets requests in flight finish (at most `graceMs`), then closes */
  close(graceMs?: number): Promise<void>;
}

/**
 * Node's own protections against slow and piled-up clients, the same for the gateway and every
 * subgraph: without them a body sent a byte at a time holds a connection for minutes.
 */
export interface ServerLimits {
  /** all of a request's headers must arrive within this, else 408 and the connection is closed */
  headersTimeoutMs: number;
  /** the whole request, body included, must arrive within this, else 408 and closed */
  requestTimeoutMs: number;
  /**
   * an idle keep-alive connection is closed after this: longer than the gateway's own pool keeps
   * an idle socket (60 s, SubgraphDataSource.ts), so a subgraph never closes one being reused
   */
  keepAliveTimeoutMs: number;
  /** connections beyond this many at once are closed as they arrive */
  maxConnections: number;
  /** how often Node checks the two timeouts; its default (30 s) lets a slow body live twice as long */
  connectionsCheckingIntervalMs: number;
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  // a 256 KiB body in 30 s is 9 KB/s: any real client is far faster
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 65_000,
  // the gateway pools up to 128 connections per subgraph; load generators and frontends far fewer
  maxConnections: 1024,
  connectionsCheckingIntervalMs: 1_000,
};

function validLimits(limits: Partial<ServerLimits>): ServerLimits {
  const valid = { ...DEFAULT_SERVER_LIMITS, ...limits };
  for (const [name, value] of Object.entries(valid)) {
    if (!Number.isInteger(value) || value < 1) throw new TypeError(`listen: limits.${name} must be a positive whole number, got ${value}`);
  }
  if (valid.headersTimeoutMs > valid.requestTimeoutMs) {
    throw new TypeError(`listen: limits.headersTimeoutMs (${valid.headersTimeoutMs}) must not exceed requestTimeoutMs (${valid.requestTimeoutMs})`);
  }
  return valid;
}

/** Listens on `port` (0 = ephemeral) and resolves with the bound address. */
export function listen(listener: http.RequestListener, port: number, host = '127.0.0.1', limits: Partial<ServerLimits> = {}): Promise<Listening> {
  const { headersTimeoutMs, requestTimeoutMs, keepAliveTimeoutMs, maxConnections, connectionsCheckingIntervalMs } = validLimits(limits);
  const server = http.createServer(
    { headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs, keepAliveTimeout: keepAliveTimeoutMs, connectionsCheckingInterval: connectionsCheckingIntervalMs },
    listener,
  );
  server.maxConnections = maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      resolve({
        server,
        port: bound,
        url: `http://${host}:${bound}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            server.close(() => {
              clearInterval(idle);
              clearTimeout(force);
              done();
            });
            // Keep-alive sockets go idle as their last response completes: close them as they do.
            const idle = setInterval(() => server.closeIdleConnections(), 50);
            const force = setTimeout(() => server.closeAllConnections(), graceMs);
            server.closeIdleConnections();
          }),
      });
    });
  });
}
