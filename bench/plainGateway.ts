import fs from 'node:fs';
import path from 'node:path';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { INTERNAL_TOKEN_HEADER } from '../lib/auth/internalToken';
import { loadConfigOrExit, type SubgraphName } from '../lib/config';
import { listenPortOrExit, peerInternalToken, runPeer } from './lib/peerGateway';

/**
 * The baseline of SPEC §9.3: a plain `@apollo/gateway` + `@apollo/server` (standalone, defaults)
 * over the same supergraph and the same subgraph processes, with no authentication, field access
 * or audit. The subgraphs refuse requests without the gateway's internal token (SPEC §7), so this
 * one sends one long-lived token for a fixed consumer (lib/peerGateway.ts), as Hive Gateway does.
 *
 * Env: the usual configuration (SUBGRAPH_PORT_BASE, INTERNAL_TOKEN_SECRET, …) and
 * PLAIN_GATEWAY_PORT.
 */

class InternalTokenDataSource extends RemoteGraphQLDataSource {
  constructor(
    url: string,
    private readonly internalToken: string,
  ) {
    super({ url });
  }

  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    request.http?.headers.set(INTERNAL_TOKEN_HEADER, this.internalToken);
  }
}

runPeer('plain gateway', async () => {
  const config = loadConfigOrExit();
  const port = listenPortOrExit('PLAIN_GATEWAY_PORT');
  // Like our gateway: no usage metrics to Apollo, no cloud metadata probes.
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const internalToken = await peerInternalToken(config.internalTokenSecret);
  const supergraphSdl = fs.readFileSync(path.join(__dirname, '..', 'schema', 'supergraph.graphql'), 'utf8');
  const gateway = new ApolloGateway({
    supergraphSdl,
    // the supergraph carries the SPEC §4 default URLs; the configured ones win, as in our gateway
    buildService: ({ name, url }) => new InternalTokenDataSource(config.subgraphUrls[name as SubgraphName] ?? url!, internalToken),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { port, host: '127.0.0.1' } });
  return { url, stop: () => server.stop() };
});
