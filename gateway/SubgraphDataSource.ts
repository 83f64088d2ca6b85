import { STATUS_CODES } from 'node:http';
import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { GatewayGraphQLRequest, GatewayGraphQLRequestContext, GatewayGraphQLResponse } from '@apollo/server-gateway-interface';
import type { Fetcher, FetcherRequestInit, FetcherResponse } from '@apollo/utils.fetcher';
import { GraphQLError, Kind, parse, type GraphQLFormattedError, type SelectionSetNode } from 'graphql';
import { Agent, Headers, type Dispatcher } from 'undici';
import { DEPARTMENTS, type Department } from '../lib/departments';
import { describeError, logWarning } from '../lib/log';
import { departmentUnavailable } from '../lib/subgraph/errors';
import type { ComposedPlugins } from './composePlugins';
import type { GatewayContext } from './context';
import { takeEarlyFetch } from './earlyEntityFetches';
import { SubgraphLiveness, type LivenessOptions } from './subgraphLiveness';

/** One keep-alive pool for all subgraph fetches of this process. */
const agent = new Agent({ keepAliveTimeout: 60_000, connections: 128, pipelining: 1 });

/**
 * Subgraph fetches on undici's request API rather than its WHATWG fetch: the same POST over the
 * same keep-alive pool, without a Request, a Response and web streams per fetch — measured on
 * loopback, 80 µs of CPU a fetch instead of 370 µs, six or more fetches per profile. The answer
 * is the little of a Response that RemoteGraphQLDataSource reads: status, headers, the body once.
 * Unlike fetch it neither follows redirects nor decodes a compressed body: our subgraphs do
 * neither, and it sends no Accept-Encoding, so only a proxy compressing unasked would break it.
 */
/** The subgraph gave no (whole) answer: the connection failed or broke, or the liveness watch gave up on it. */
export class SubgraphUnanswered extends Error {
  constructor(cause: unknown) {
    super(`no answer from the subgraph: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'SubgraphUnanswered';
  }
}

export const subgraphFetcher = (liveness?: SubgraphLiveness): Fetcher => async (url: string, init?: FetcherRequestInit): Promise<FetcherResponse> => {
  const target = new URL(url);
  const watch = liveness?.watch();
  let response: Dispatcher.ResponseData;
  try {
    response = await agent.request({
      origin: target.origin,
      path: target.pathname + target.search,
      method: (init?.method ?? 'POST') as 'POST',
      headers: init?.headers as Record<string, string> | undefined,
      body: init?.body as string | undefined,
      // undici's own five-minute timeouts stay as the last resort; the liveness watch comes first
      signal: watch?.signal,
    });
  } catch (e) {
    watch?.done();
    throw new SubgraphUnanswered(watch?.signal.aborted ? watch.signal.reason : e);
  }
  watch?.heard();
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const text = response.body.text().catch((e: unknown) => {
    throw new SubgraphUnanswered(watch?.signal.aborted ? watch.signal.reason : e);
  });
  // read by parseBody in every case; a body cut off is its error, not an unhandled rejection
  text.catch(() => undefined).finally(() => watch?.done());
  const status = response.statusCode;
  const answer: FetcherResponse = {
    ok: status >= 200 && status <= 299,
    status,
    statusText: STATUS_CODES[status] ?? '',
    url,
    redirected: false,
    bodyUsed: false,
    headers,
    text: () => text,
    json: async () => JSON.parse(await text),
    arrayBuffer: async () => new TextEncoder().encode(await text).buffer as ArrayBuffer,
    clone: () => answer,
  };
  return answer;
};

export interface SubgraphDataSourceOptions {
  /** the subgraph's name in the supergraph */
  name: string;
  url: string;
  /** the plugins' onSubgraphRequest / onSubgraphResponse hooks (headers, reports read from answers) */
  hooks: ComposedPlugins['subgraph'];
  /** how the subgraph's process is watched while fetches to it are in flight (subgraphLiveness.ts) */
  liveness?: Pick<LivenessOptions, 'intervalMs' | 'silenceMs'>;
}

/**
 * A subgraph fetch, with the gateway plugins' hooks around it: what each fetch carries (internal
 * token, request id, the request's age) and what is read from each answer belongs to the plugin
 * that owns that concern, not to this class.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  private readonly hooks: SubgraphDataSourceOptions['hooks'];
  private readonly name: string;

  constructor({ hooks, name, url, liveness }: SubgraphDataSourceOptions) {
    const watch = liveness && url ? new SubgraphLiveness({ ...liveness, name, healthUrl: new URL('/healthz', url).toString() }) : undefined;
    super({ url, fetcher: subgraphFetcher(watch) });
    this.hooks = hooks;
    this.name = name;
  }

  /** a fetch already sent beside the platform's (earlyEntityFetches.ts) is answered by that request */
  override process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    return takeEarlyFetch(this.name, options) ?? this.send(options);
  }

  /**
   * A department's subgraph that gave no answer — its process gone (connection refused or reset),
   * hung (SubgraphLiveness), or a balancer's 5xx with none behind it — is that department being
   * unavailable to the consumer, as SPEC §6 has it: its sections null with DEPARTMENT_UNAVAILABLE
   * naming it, exactly as the subgraph itself reports a department it could not reach, so the
   * rest of the response, the credit check's INCOMPLETE and the ledger read it the same way.
   * Anything else (the platform's failure, a 4xx that is our own bug) stays an error of the fetch.
   */
  private async send(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    try {
      return await super.process(options);
    } catch (error) {
      const department = (DEPARTMENTS as readonly string[]).includes(this.name) ? (this.name as Department) : undefined;
      if (!department || !unanswered(error)) throw error;
      logWarning({ event: 'department subgraph unanswered', subgraph: this.name, error: describeError(error) });
      return sectionsUnavailable(options.request, department);
    }
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Apollo types the context of its own health checks as {}; the gateway never runs them
    return this.hooks.request({ request, context: context as GatewayContext });
  }

  override didReceiveResponse({ response, context }: Required<Pick<GatewayGraphQLRequestContext<GatewayContext>, 'request' | 'response' | 'context'>>): GatewayGraphQLResponse {
    this.hooks.response({ response, context });
    return response;
  }
}

/**
 * no answer from the subgraph: its connection failed or was given up (SubgraphUnanswered), or a
 * 5xx; not an error of ours before or after the fetch (a hook, a body that is not JSON), which
 * must not pass for a department's outage
 */
function unanswered(error: unknown): boolean {
  if (error instanceof SubgraphUnanswered) return true;
  const status = error instanceof GraphQLError ? (error.extensions?.response as { status?: unknown } | undefined)?.status : undefined;
  return typeof status === 'number' && status >= 500;
}

/**
 * The answer the subgraph gives for a department it could not reach: each entity's selected
 * fields null, each with DEPARTMENT_UNAVAILABLE at its path (`_entities.3.judicial`, which the
 * gateway maps to `subjects.3.judicial`).
 */
function sectionsUnavailable(request: GatewayGraphQLRequest, department: Department): GatewayGraphQLResponse {
  const error = departmentUnavailable(department);
  const root = parse(request.query ?? '{}').definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  const representations = request.variables?.representations;
  const entitiesField = root?.selectionSet.selections.find((s) => s.kind === Kind.FIELD && s.name.value === '_entities');
  if (!entitiesField || entitiesField.kind !== Kind.FIELD || !Array.isArray(representations)) {
    // not an entity fetch: one error for the fetch, its fields left null by the gateway
    return { errors: [{ message: error.message, extensions: error.extensions }] };
  }
  const keys = responseKeys(entitiesField.selectionSet);
  const errors: GraphQLFormattedError[] = [];
  const entities = representations.map((representation: { __typename?: string }, i: number) => {
    const entity: Record<string, unknown> = {};
    for (const key of keys) {
      if (key === '__typename') {
        entity[key] = representation.__typename;
        continue;
      }
      entity[key] = null;
      errors.push({ message: error.message, path: ['_entities', i, key], extensions: error.extensions });
    }
    return entity;
  });
  return { data: { _entities: entities }, errors };
}

/** the response keys of an entity selection: its fields' and those of its inline fragments (`... on Subject`) */
function responseKeys(selectionSet: SelectionSetNode | undefined): string[] {
  const keys = new Set<string>();
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD) keys.add(selection.alias?.value ?? selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT) responseKeys(selection.selectionSet).forEach((k) => keys.add(k));
  }
  return [...keys];
}
