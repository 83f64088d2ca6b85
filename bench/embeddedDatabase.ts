import { startEmbeddedPostgres } from '../lib/db/embeddedPostgres';

/**
 * The embedded PGlite for `npm run bench` when DATABASE_URL is unset: the same server as
 * scripts/embeddedDatabase.ts, but in a fresh directory (BENCH_PGLITE_DIR, made and removed by
 * bench/index.ts), because PGlite is single-process and a running `npm start` holds ./data/pglite.
 */
const port = Number(process.env.EMBEDDED_DB_PORT);
const dataDir = process.env.BENCH_PGLITE_DIR;
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  process.stderr.write(`configuration error: EMBEDDED_DB_PORT: must be a port number, got ${JSON.stringify(process.env.EMBEDDED_DB_PORT)}\n`);
  process.exit(1);
}
if (!dataDir) {
  process.stderr.write('configuration error: BENCH_PGLITE_DIR: must name the directory of the benchmark database\n');
  process.exit(1);
}
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
