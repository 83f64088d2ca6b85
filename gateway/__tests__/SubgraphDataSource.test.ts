import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER } from '../../lib/auth/internalToken';
import { REQUEST_AGE_HEADER } from '../../lib/legacy/requestBudget';
import type { GatewayContext } from '../context';
import { SubgraphDataSource } from '../SubgraphDataSource';

/** The headers of one subgraph fetch, on a fake clock so the request's age is exact. */
function send(context: GatewayContext): Map<string, string> {
  const headers = new Map<string, string>();
  const source = new SubgraphDataSource({ url: 'http://127.0.0.1:1/graphql' });
  source.willSendRequest({ request: { http: { headers } }, context } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
  return headers;
}

function contextReceivedAt(receivedAt: number): GatewayContext {
  return {
    requestId: 'req-1',
    receivedAt,
    consumer: { id: 'u', org: 'o', role: 'government', purpose: null, subject: null },
    internalToken: 'signed.internal.token',
    consentsUsed: new Map(),
  };
}

describe('the headers of a subgraph fetch', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2025-03-01T08:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it("carry the internal token, the request id and how long the gateway has held the consumer's request", () => {
    const context = contextReceivedAt(Date.now() - 750);
    const headers = send(context);
    expect(headers.get(INTERNAL_TOKEN_HEADER)).toBe('signed.internal.token');
    expect(headers.get(REQUEST_ID_HEADER)).toBe('req-1');
    expect(headers.get(REQUEST_AGE_HEADER)).toBe('750');
  });

  it('say the age at the moment of each fetch, so a later step of the query plan is charged the steps before it', () => {
    const context = contextReceivedAt(Date.now() - 750);
    expect(send(context).get(REQUEST_AGE_HEADER)).toBe('750');
    jest.advanceTimersByTime(1_250);
    expect(send(context).get(REQUEST_AGE_HEADER)).toBe('2000');
  });

  it('never send a negative age', () => {
    expect(send(contextReceivedAt(Date.now() + 5_000)).get(REQUEST_AGE_HEADER)).toBe('0');
  });
});
