import { loadConfigOrExit } from '../lib/config';
import { createGateway } from './server';

const config = loadConfigOrExit();
const gateway = createGateway({ config });
gateway
  .listen(config.port)
  .then(({ url }) => {
    process.stdout.write(`gateway serving at ${url}/graphql\n`);
    const stop = async () => {
      await gateway.stop();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((e) => {
    process.stderr.write(`gateway failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
