import { DEPARTMENTS, loadConfigOrExit } from '../lib/config';
import { describeError, logError } from '../lib/log';
import { startTracing } from '../lib/observability/tracing';
import { createStandIns, listenStandIns } from './standIns';
import { createWorld } from './world';

/** Starts the five legacy stand-ins over one synthetic world (WORLD_SIZE, WORLD_SEED). */
const config = loadConfigOrExit();
const tracing = startTracing('legacy');
const world = createWorld(config.world);
const standIns = createStandIns(world, config);
listenStandIns(standIns, { portBase: config.legacyPortBase })
  .then((urls) => {
    for (const d of DEPARTMENTS) process.stdout.write(`stand-in ${d} at ${urls[d]} (latency ${config.legacyLatencyMs} ms)\n`);
    const stop = async () => {
      await Promise.all(DEPARTMENTS.map((d) => standIns[d].close()));
      await tracing?.shutdown();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((e) => {
    logError({ event: 'legacy stand-ins failed to start', error: describeError(e) });
    process.exit(1);
  });
