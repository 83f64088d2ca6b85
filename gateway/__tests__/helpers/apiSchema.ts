import fs from 'node:fs';
import path from 'node:path';
import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';

/**
 * The API schema the gateway serves (the committed supergraph, federation's directives and
 * join types removed), obtained the way the gateway itself obtains it.
 */
export async function loadApiSchema(): Promise<GraphQLSchema> {
  process.env.APOLLO_TELEMETRY_DISABLED = 'true';
  const supergraphSdl = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'supergraph.graphql'), 'utf8');
  const gateway = new ApolloGateway({ supergraphSdl });
  const { schema } = await gateway.load();
  await gateway.stop();
  return schema;
}
