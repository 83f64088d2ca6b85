import path from 'node:path';
import { loadConfigOrExit } from '../lib/config';
import { startEmbeddedPostgres } from '../lib/db/embeddedPostgres';
import { ROOT } from './processes';

/**
 * Serves the embedded PGlite for `npm start` when DATABASE_URL is unset, from ./data/pglite, or
 * from EMBEDDED_DB_DIR (the benchmarks use a fresh directory: PGlite is single-process, and a
 * running `npm start` holds ./data/pglite).
 */
const port = loadConfigOrExit().embeddedDbPort;
const dataDir = process.env.EMBEDDED_DB_DIR || path.join(ROOT, 'data', 'pglite');
startEmbeddedPostgres({ dataDir, port })
  .then((db) => {
    process.stdout.write(`embedded PostgreSQL (PGlite) at ${db.url}\n`);
    const stop = async () => {
      await db.stop();
      process.exit(0);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  })
  .catch((e) => {
    process.stderr.write(`embedded database failed to start: ${(e as Error).message}\n`);
    process.exit(1);
  });
