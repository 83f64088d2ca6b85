import type { Consumer } from '../lib/auth/consumer';

export interface GatewayContext {
  requestId: string;
  consumer: Consumer;
  /** signed once per request, sent with every subgraph fetch */
  internalToken: string;
  /** subject → consent id that allowed its FINANCING fields, as the subgraphs reported */
  consentsUsed: Map<string, string>;
}
