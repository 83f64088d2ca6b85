import { loadConfigOrExit } from '../lib/config';
import { describeError, logError } from '../lib/log';
import { startTracing } from '../lib/observability/tracing';
import { createGateway } from './server';

const config = loadConfigOrExit();
// before anything serves: OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (README: Observability)
const tracing = startTracing('gateway');
const gateway = createGateway({ config });
gateway
  .listen(config.port)
  .then(({ url }) => {
    const stop = async () => {
      await gateway.stop();
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // announced once a signal stops it gracefully: whoever reads the line may signal at once
    process.stdout.write(`gateway serving at ${url}/graphql\n`);
  })
  .catch((e) => {
    logError({ event: 'gateway failed to start', error: describeError(e) });
    process.exit(1);
  });
