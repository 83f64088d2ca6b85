import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_TOKEN_HEADER, REQUEST_ID_HEADER } from '../../lib/auth/internalToken';
import { REQUEST_AGE_HEADER } from '../../lib/legacy/requestBudget';
import type { GatewayContext } from '../context';
import { SubgraphDataSource } from '../SubgraphDataSource';

describe('the headers of a subgraph fetch', () => {
  it("carry the internal token, the request id and how long the gateway has held the consumer's request", () => {
    const headers = new Map<string, string>();
    const context: GatewayContext = {
      requestId: 'req-1',
      receivedAt: Date.now() - 750,
      consumer: { id: 'u', org: 'o', role: 'government', purpose: null, subject: null },
      internalToken: 'signed.internal.token',
      consentsUsed: new Map(),
    };
    const source = new SubgraphDataSource({ url: 'http://127.0.0.1:1/graphql' });
    source.willSendRequest({ request: { http: { headers } }, context } as unknown as GraphQLDataSourceProcessOptions<GatewayContext>);
    expect(headers.get(INTERNAL_TOKEN_HEADER)).toBe('signed.internal.token');
    expect(headers.get(REQUEST_ID_HEADER)).toBe('req-1');
    const age = Number(headers.get(REQUEST_AGE_HEADER));
    expect(age).toBeGreaterThanOrEqual(750);
    expect(age).toBeLessThan(5000);
  });
});
