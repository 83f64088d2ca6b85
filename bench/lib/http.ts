import { performance } from 'node:perf_hooks';

/** One GraphQL POST, timed end to end (request sent → whole body read). */

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

export interface Timed {
  ms: number;
  status: number;
  body: { data?: any; errors?: GraphQLError[] };
  headers: Headers;
}

export interface PostOptions {
  variables?: Record<string, unknown>;
  token?: string;
  timeoutMs?: number;
  /** more request headers (the phases scenario's `traceparent`) */
  headers?: Record<string, string>;
}

export async function postGraphQL(url: string, query: string, options: PostOptions = {}): Promise<Timed> {
  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables: options.variables }),
    signal: AbortSignal.timeout(options.timeoutMs ?? 120_000),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let body: Timed['body'];
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${url} answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  return { ms, status: res.status, body, headers: res.headers };
}

/** "CODE at a.b.c" for each error, deduplicated with counts (for the report). */
export function summarizeErrors(errors: GraphQLError[] | undefined, into: Map<string, number> = new Map()): Map<string, number> {
  for (const e of errors ?? []) {
    const code = String(e.extensions?.code ?? 'NO_CODE');
    const department = e.extensions?.department ? ` (${String(e.extensions.department)})` : '';
    const where = (e.path ?? []).filter((p) => typeof p === 'string').slice(-2).join('.');
    const key = `${code}${department}${where ? ` at …${where}` : ''}: ${e.message.slice(0, 120)}`;
    into.set(key, (into.get(key) ?? 0) + 1);
  }
  return into;
}

export async function postJson(url: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

export async function getJson(url: string): Promise<unknown> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}
