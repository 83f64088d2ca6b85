import http from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { INTERNAL_TOKEN_HEADER } from '../lib/auth/internalToken';
import { SUBGRAPHS, loadConfigOrExit, type Config } from '../lib/config';
import { listenPortOrExit, peerInternalToken, runPeer } from './lib/peerGateway';
import { SUPERGRAPH_FILE } from './lib/profileQuery';

/**
 * The second peer of SPEC §9.3's overhead figure (issue 13): Hive Gateway (@graphql-hive/gateway,
 * pinned) with its defaults, over the same supergraph and the same subgraph processes as ours and
 * the plain @apollo/gateway, with no authentication, field access or audit. Its programmatic
 * runtime is served by node:http, in its own process like plainGateway.ts.
 *
 * The subgraphs refuse requests without the internal token (SPEC §7): Hive Gateway takes them with
 * one long-lived token for the benchmark's consumer, signed at start, sent as a static header on
 * every subgraph fetch — it has no per-request identity to forward.
 *
 * Env: the usual configuration (SUBGRAPH_PORT_BASE, INTERNAL_TOKEN_SECRET, …) and HIVE_GATEWAY_PORT.
 */

/**
 * Each subgraph's transport: the configured URL (the supergraph carries the SPEC §4 defaults; the
 * configured ones win, as in our gateway) and the internal token.
 *
 * One default is turned off: Hive Gateway shares one subgraph fetch among identical queries in
 * flight (`deduplicateInflightRequests`, on by default). The overhead load sends one subject's
 * profile from 16 connections at once, so with it on most requests cost the subgraphs nothing and
 * the figure would measure the load's sameness, not the gateway (bench/README.md). Neither ours nor
 * plain shares fetches between requests (ours must not: consumers' rights differ).
 */
function transportEntries(config: Config, internalToken: string) {
  return Object.fromEntries(
    SUBGRAPHS.map((name) => [
      name,
      { location: config.subgraphUrls[name], headers: [[INTERNAL_TOKEN_HEADER, internalToken]] as [string, string][], options: { deduplicateInflightRequests: false } },
    ]),
  );
}

runPeer('hive gateway', async () => {
  const config = loadConfigOrExit();
  const port = listenPortOrExit('HIVE_GATEWAY_PORT');
  const internalToken = await peerInternalToken(config.internalTokenSecret);
  const gateway = createGatewayRuntime({
    supergraph: SUPERGRAPH_FILE,
    transportEntries: transportEntries(config, internalToken),
    // warnings and errors only: the bench keeps a service's last lines for failure reports
    logging: 'warn',
  });
  const server = http.createServer(gateway);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${port}${gateway.graphqlEndpoint}`,
    async stop() {
      server.close();
      await gateway.dispose();
    },
  };
});
