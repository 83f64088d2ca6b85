import { CONSENTS_USED_EXTENSION } from '../lib/subgraph/createSubgraph';
import type { GatewayPlugin } from './plugin';

/**
 * The consents that allowed a bank's FINANCING fields in this request, as the subgraphs that
 * checked them report them (a response extension): collected per request for the audit entries'
 * consentId (useAudit), and taken out of the answer — they are the ledger's, not the client's.
 */

export function useConsentsUsed(): GatewayPlugin {
  return {
    name: 'consentsUsed',
    onRequest() {
      return { consentsUsed: new Map<string, string>() };
    },
    onSubgraphResponse({ response, context }) {
      const used = response.extensions?.[CONSENTS_USED_EXTENSION];
      if (!used || typeof used !== 'object') return;
      for (const [subject, consentId] of Object.entries(used as Record<string, unknown>)) {
        if (typeof consentId === 'string') context.consentsUsed.set(subject, consentId);
      }
      delete response.extensions![CONSENTS_USED_EXTENSION];
    },
  };
}
