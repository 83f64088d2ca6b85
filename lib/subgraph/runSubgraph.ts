import { SUBGRAPHS, loadConfigOrExit, type Config, type SubgraphName } from '../config';
import type { Subgraph } from './createSubgraph';

/** What every subgraph's index.ts does: read config, listen on its SPEC §4 port, stop on signals. */
export function runSubgraph(name: SubgraphName, create: (config: Config) => Subgraph | Promise<Subgraph>): void {
  const config = loadConfigOrExit();
  const port = config.subgraphPortBase + SUBGRAPHS.indexOf(name) + 1;
  void (async () => {
    const subgraph = await create(config);
    const { url } = await subgraph.listen(port);
    process.stdout.write(`subgraph ${name} listening at ${url}/graphql\n`);
    const stop = async () => {
      await subgraph.stop();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })().catch((e) => {
    process.stderr.write(`subgraph ${name} failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
