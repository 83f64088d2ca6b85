import type { Consumer } from '../lib/auth/consumer';

export interface GatewayContext {
  requestId: string;
  consumer: Consumer;
  /** signed once per request, sent with every subgraph fetch */
  internalToken: string;
}
