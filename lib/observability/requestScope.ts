import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * What one request's log lines and trace attributes need from code that does not hold its
 * context (the legacy client, the section cache, the error masker): its id once known, and how
 * many legacy calls and cache hits it caused. The HTTP face opens a scope per request
 * (lib/http/serveGraphQL.ts); outside one, every function here is a no-op.
 */
export interface RequestScope {
  requestId?: string;
  legacyCalls: number;
  cacheHits: number;
  cacheMisses: number;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function withRequestScope<T>(run: () => T): T {
  return storage.run({ legacyCalls: 0, cacheHits: 0, cacheMisses: 0 }, run);
}

export function currentScope(): RequestScope | undefined {
  return storage.getStore();
}

export function setScopeRequestId(requestId: string): void {
  const scope = storage.getStore();
  if (scope) scope.requestId = requestId;
}

export function countScope(field: 'legacyCalls' | 'cacheHits' | 'cacheMisses', n = 1): void {
  const scope = storage.getStore();
  if (scope) scope[field] += n;
}
