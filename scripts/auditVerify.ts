import path from 'node:path';
import { Pool } from 'pg';
import { ledgerProof } from '../lib/audit/ledgerProof';
import { verifyLedger } from '../lib/audit/verify';
import { loadConfigOrExit } from '../lib/config';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../lib/db/embeddedPostgres';
import { ROOT } from './processes';

/**
 * `npm run --silent audit:verify`: walks the ledger's keyed hash chains against the checkpoints
 * kept outside the database (AUDIT_HMAC_KEY and AUDIT_CHECKPOINT_DIR, as the gateway was given).
 * Exit 0 with last line `ok N records`, or exit 1 naming the first problem. Without DATABASE_URL
 * it reads the embedded database: through the running `npm start` if there is one, else opening
 * ./data itself.
 */
async function main(): Promise<number> {
  const config = loadConfigOrExit();
  let url = config.databaseUrl;
  let embedded: EmbeddedPostgres | undefined;
  if (!url) {
    const running = `postgres://postgres@127.0.0.1:${config.embeddedDbPort}/postgres?sslmode=disable`;
    const probe = new Pool({ connectionString: running, max: 1, connectionTimeoutMillis: 1000 });
    try {
      await probe.query('SELECT 1');
      url = running;
    } catch {
      embedded = await startEmbeddedPostgres({ dataDir: path.join(ROOT, 'data', 'pglite'), port: 0 });
      url = embedded.url;
    } finally {
      await probe.end();
    }
  }
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    const result = await verifyLedger(pool, ledgerProof(config.audit));
    if (result.ok) {
      process.stdout.write(`ok ${result.records} records\n`);
      return 0;
    }
    process.stdout.write(`verified ${result.records} records before the first problem\nBROKEN: ${result.problem}\n`);
    return 1;
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`audit:verify failed: ${(e as Error).message}\n`);
    process.exit(2);
  },
);
