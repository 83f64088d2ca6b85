import { SUBGRAPHS, loadConfigOrExit, type Config, type SubgraphName } from '../config';
import { describeError, logError } from '../log';
import { startTracing } from '../observability/tracing';
import type { Subgraph } from './createSubgraph';

/** What every subgraph's index.ts does: read config, listen on its SPEC §4 port, stop on signals. */
export function runSubgraph(name: SubgraphName, create: (config: Config) => Subgraph | Promise<Subgraph>): void {
  const config = loadConfigOrExit();
  const port = config.subgraphPortBase + SUBGRAPHS.indexOf(name) + 1;
  const tracing = startTracing(name);
  void (async () => {
    const subgraph = await create(config);
    const { url } = await subgraph.listen(port);
    const stop = async () => {
      await subgraph.stop();
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // announced once a signal stops it gracefully: whoever reads the line may signal at once
    process.stdout.write(`subgraph ${name} listening at ${url}/graphql\n`);
  })().catch((e) => {
    logError({ event: `subgraph ${name} failed to start`, error: describeError(e) });
    process.exit(1);
  });
}
