import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';

/**
 * The HTTP face shared by the gateway and every subgraph: `POST /graphql` (JSON only, bounded
 * body), extra routes such as `/healthz`, and refusals that never reach GraphQL (bad JSON, wrong
 * method or content type, oversized body) answered as 4xx with a GraphQL-shaped error body.
 */

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
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
}

export const DEFAULT_MAX_BODY_BYTES = 256 * 1024;

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function sendHttpError(res: http.ServerResponse, e: HttpError): void {
  sendJson(res, e.status, { errors: [{ message: e.message, extensions: { code: e.code } }] }, e.headers);
}

function readBody(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new HttpError(413, 'PAYLOAD_TOO_LARGE', `request body exceeds ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
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

  return async (req, res) => {
    const receivedAt = Date.now();
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
      if (e instanceof HttpError) return sendHttpError(res, e);
      // Never a stack or an internal detail to the client.
      process.stderr.write(`unexpected error serving ${req.method} ${path}: ${(e as Error)?.stack ?? e}\n`);
      sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    }
  };
}

export interface Listening {
  server: http.Server;
  url: string;
  port: number;
  /** stops accepting, lets requests in flight finish (at most `graceMs`), then closes */
  close(graceMs?: number): Promise<void>;
}

/** Listens on `port` (0 = ephemeral) and resolves with the bound address. */
export function listen(listener: http.RequestListener, port: number, host = '127.0.0.1'): Promise<Listening> {
  const server = http.createServer(listener);
  server.keepAliveTimeout = 65_000;
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
