import type { Consumer } from '../lib/auth/consumer';
import type { CheckRead } from '../lib/credit/checkReads';

export interface GatewayContext {
  requestId: string;
  /** when the request reached the gateway (ms since the epoch): subgraphs count legacy deadlines from then */
  receivedAt: number;
  consumer: Consumer;
  /** subject → consent id that allowed its FINANCING fields, as the subgraphs reported */
  consentsUsed: Map<string, string>;
  /** the fields the platform's credit checks read through @requires, as it reported them (useCreditCheckReads) */
  creditCheckReads: CheckRead[];
}
