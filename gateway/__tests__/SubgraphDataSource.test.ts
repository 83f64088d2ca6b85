import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { GraphQLDataSourceRequestKind } from '@apollo/gateway/dist/datasources/types';
import { GraphQLError } from 'graphql';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER, verifyInternalToken } from '../../lib/auth/internalToken';
import { REQUEST_AGE_HEADER } from '../../lib/legacy/requestBudget';
import { CONSENTS_USED_EXTENSION } from '../../lib/subgraph/createSubgraph';
import { composePlugins } from '../composePlugins';
import type { GatewayContext } from '../context';
import { SubgraphDataSource } from '../SubgraphDataSource';
import { useConsentsUsed } from '../useConsentsUsed';
import { useInternalToken } from '../useInternalToken';
import { useRequestBudget } from '../useRequestBudget';
import { useRequestId } from '../useRequestId';

/**
 * What a subgraph fetch carries and what is read from its answer, each from the plugin that owns
 * the concern (useRequestId, useInternalToken, useRequestBudget, useConsentsUsed), on a fake clock
 * so the request's age is exact.
 */

const SECRET = 'an internal secret of at least 32 characters';
const hooks = composePlugins([useRequestId(), useInternalToken({ secret: SECRET }), useRequestBudget(), useConsentsUsed()]).subgraph;
const source = new SubgraphDataSource({ name: 'market', url: 'http://127.0.0.1:1/graphql', hooks });

async function send(context: GatewayContext): Promise<Map<string, string>> {
  const headers = new Map<string, string>();
  await source.willSendRequest({ request: { http: { headers } }, context } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
  return headers;
}

function contextReceivedAt(receivedAt: number): GatewayContext {
  return {
    requestId: 'req-1',
    receivedAt,
    consumer: { id: 'u', org: 'o', role: 'government', purpose: null, subject: null },
    consentsUsed: new Map(),
    creditCheckReads: [],
  };
}

describe('the headers of a subgraph fetch', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2025-03-01T08:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it("carry the internal token stating the consumer, the request id and how long the gateway has held the consumer's request", async () => {
    const context = contextReceivedAt(Date.now() - 750);
    const headers = await send(context);
    expect((await verifyInternalToken(headers.get(INTERNAL_TOKEN_HEADER)!, SECRET)).consumer).toMatchObject(context.consumer);
    expect(headers.get(REQUEST_ID_HEADER)).toBe('req-1');
    expect(headers.get(REQUEST_AGE_HEADER)).toBe('750');
  });

  it("carry a token still valid for half a minute however long ago the request arrived (a large request's turn in admission)", async () => {
    const context = contextReceivedAt(Date.now());
    const first = (await send(context)).get(INTERNAL_TOKEN_HEADER)!;
    // 90 s later — past the 60 s life of a token signed when the request arrived
    jest.setSystemTime(Date.now() + 90_000);
    const later = (await send(context)).get(INTERNAL_TOKEN_HEADER)!;
    expect(later).not.toBe(first);
    expect((await verifyInternalToken(later, SECRET)).expiresAtMs - Date.now()).toBeGreaterThanOrEqual(30_000);
  });

  it('say the age at the moment of each fetch, so a later step of the query plan is charged the steps before it', async () => {
    const context = contextReceivedAt(Date.now() - 750);
    expect((await send(context)).get(REQUEST_AGE_HEADER)).toBe('750');
    jest.advanceTimersByTime(1_250);
    expect((await send(context)).get(REQUEST_AGE_HEADER)).toBe('2000');
  });

  it('never send a negative age', async () => {
    expect((await send(contextReceivedAt(Date.now() + 5_000))).get(REQUEST_AGE_HEADER)).toBe('0');
  });
});

describe('the answer of a subgraph fetch', () => {
  it('gives the consents the subgraph reported to the request, for the audit entries, and takes them out of the answer', () => {
    const context = contextReceivedAt(0);
    const response = { data: {}, extensions: { [CONSENTS_USED_EXTENSION]: { '91110101MAAL0CXK0M': 'consent-1', bogus: 42 }, other: 1 } };
    const answered = source.didReceiveResponse!({ response, context, request: {} } as never);
    expect(context.consentsUsed).toEqual(new Map([['91110101MAAL0CXK0M', 'consent-1']]));
    expect(answered.extensions).toEqual({ other: 1 });
  });
});

describe('a subgraph fetch over HTTP (subgraphFetcher on undici.request)', () => {
  let server: http.Server;
  let url: string;
  let answer: { status: number; type: string; body: string } = { status: 200, type: 'application/json', body: '{}' };
  const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method, headers: req.headers, body });
        res.writeHead(answer.status, { 'content-type': answer.type, 'cache-control': 'private' }).end(answer.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const processOn = (target: string, context = contextReceivedAt(Date.now()), name = 'platform', request: { query: string; variables: Record<string, unknown> } = { query: '{ _service { sdl } }', variables: { a: 1 } }) =>
    new SubgraphDataSource({ name, url: target, hooks }).process({
      kind: GraphQLDataSourceRequestKind.INCOMING_OPERATION,
      request,
      incomingRequestContext: { overallCachePolicy: {} },
      context,
    } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);

  it('posts the query as JSON with the hooks’ headers and answers with the body and the response headers', async () => {
    answer = { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify({ data: { _service: { sdl: 'type Query' } } }) };
    const response = await processOn(url);
    expect(response.data).toEqual({ _service: { sdl: 'type Query' } });
    expect(response.http?.headers.get('cache-control')).toBe('private');
    const request = seen.at(-1)!;
    expect(request.method).toBe('POST');
    expect(request.headers['content-type']).toBe('application/json');
    expect((await verifyInternalToken(request.headers[INTERNAL_TOKEN_HEADER] as string, SECRET)).consumer.org).toBe('o');
    expect(JSON.parse(request.body)).toEqual({ query: '{ _service { sdl } }', variables: { a: 1 } });
  });

  it('turns a non-2xx answer into the "<status>: <text>" error with the response in its extensions', async () => {
    answer = { status: 503, type: 'text/plain', body: 'busy' };
    const error = await processOn(url).catch((e) => e);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.message).toBe('503: Service Unavailable');
    expect(error.extensions.response).toEqual({ url, status: 503, statusText: 'Service Unavailable', body: 'busy' });
  });

  it('fails the fetch when the subgraph is not listening', async () => {
    await expect(processOn('http://127.0.0.1:1/graphql')).rejects.toThrow();
  });

  describe("a department's subgraph giving no answer is its department unavailable (SPEC §6), as the subgraph itself says it", () => {
    const entities = {
      query: 'query($representations:[_Any!]!){_entities(representations:$representations){...on Subject{__typename judicial{dishonestDebtor{caseNumber}} j2: judicial{restrictions{caseNumber}}}}}',
      variables: { representations: [{ __typename: 'Subject', uscc: 'A' }, { __typename: 'Subject', uscc: 'B' }] },
    };
    const unavailable = { code: 'DEPARTMENT_UNAVAILABLE', department: 'COURT' };

    it.each([
      ['not listening', () => 'http://127.0.0.1:1/graphql'],
      ['answering 502 (a balancer with no replica behind it)', () => ((answer = { status: 502, type: 'text/plain', body: 'no server' }), url)],
    ])('%s: each entity’s fields null, each with DEPARTMENT_UNAVAILABLE at its path', async (_, target) => {
      const response = await processOn(target(), contextReceivedAt(Date.now()), 'court', entities);
      expect(response.data).toEqual({ _entities: [{ __typename: 'Subject', judicial: null, j2: null }, { __typename: 'Subject', judicial: null, j2: null }] });
      expect(response.errors?.map((e) => [e.path, e.extensions])).toEqual([
        [['_entities', 0, 'judicial'], unavailable],
        [['_entities', 0, 'j2'], unavailable],
        [['_entities', 1, 'judicial'], unavailable],
        [['_entities', 1, 'j2'], unavailable],
      ]);
    });

    it('an answer that is not JSON is no absence either: it stays the error of the fetch, never passing for an outage', async () => {
      answer = { status: 200, type: 'application/json', body: '{"data": ' };
      await expect(processOn(url, contextReceivedAt(Date.now()), 'court', entities)).rejects.toThrow(SyntaxError);
    });

    it('a 4xx is not an absence but our own fault: it stays the error of the fetch', async () => {
      answer = { status: 400, type: 'text/plain', body: 'bad' };
      await expect(processOn(url, contextReceivedAt(Date.now()), 'court', entities)).rejects.toThrow('400: Bad Request');
    });

    it("the platform's absence is not a department's: its error stays the fetch's", async () => {
      await expect(processOn('http://127.0.0.1:1/graphql', contextReceivedAt(Date.now()), 'platform', entities)).rejects.toThrow();
    });
  });
});
