import { DEPARTMENTS, loadConfigOrExit } from '../lib/config';
import { createStandIns, listenStandIns } from './standIns';
import { createWorld } from './world';

/** Starts the five legacy stand-ins over one synthetic world (WORLD_SIZE, WORLD_SEED). */
const config = loadConfigOrExit();
const world = createWorld(config.world);
const standIns = createStandIns(world, config);
listenStandIns(standIns, { portBase: config.legacyPortBase })
  .then((urls) => {
    for (const d of DEPARTMENTS) process.stdout.write(`stand-in ${d} at ${urls[d]} (latency ${config.legacyLatencyMs} ms)\n`);
    const stop = async () => {
      await Promise.all(DEPARTMENTS.map((d) => standIns[d].close()));
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((e) => {
    process.stderr.write(`legacy stand-ins failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
