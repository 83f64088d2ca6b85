import { SUBGRAPHS, loadConfigOrExit } from '../lib/config';
import { createWorld } from '../legacy/world';
import { GATEWAY_NODE_ARGS, ROOT, startService, stopAll, waitForOk, waitForPort, type RunningService } from './processes';

/**
 * `npm start`: the legacy stand-ins, the six subgraphs and the gateway as separate processes on
 * the ports of SPEC §4, logs prefixed by service; Ctrl-C stops them all.
 */

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const env: Record<string, string | undefined> = { ...process.env };
  const services: RunningService[] = [];
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await stopAll(services);
    process.exit(code);
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    if (!config.databaseUrl) {
      // No DATABASE_URL: one embedded PGlite served over the wire protocol to every process.
      const port = Number(process.env.EMBEDDED_DB_PORT ?? 4099);
      const db = startService({ name: 'database', entry: 'scripts/embeddedDatabase.ts', env: { ...env, EMBEDDED_DB_PORT: String(port) } });
      services.push(db);
      env.DATABASE_URL = `postgres://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
      await waitForPort(port, db);
    }
    const legacy = startService({ name: 'legacy', entry: 'legacy/index.ts', env });
    services.push(legacy);
    await waitForOk(`${config.legacyUrls.market}/__admin/stats`, legacy);

    const subgraphs = SUBGRAPHS.map((name) => startService({ name, entry: `subgraphs/${name}/index.ts`, env }));
    services.push(...subgraphs);
    await Promise.all(subgraphs.map((s) => waitForOk(config.subgraphUrls[s.name as (typeof SUBGRAPHS)[number]].replace(/\/graphql$/, '/healthz'), s)));

    const gateway = startService({ name: 'gateway', entry: 'gateway/index.ts', env, nodeArgs: GATEWAY_NODE_ARGS });
    services.push(gateway);
    const base = `http://127.0.0.1:${config.port}`;
    await waitForOk(`${base}/readyz`, gateway);

    for (const s of services) {
      void s.exited.then((code) => {
        if (!stopping) {
          process.stderr.write(`${s.name} exited (${code}); stopping everything\n`);
          void shutdown(1);
        }
      });
    }
    const world = createWorld(config.world);
    const sample = world.subject(0);
    process.stdout.write(
      [
        '',
        `Gateway ready at ${base}/graphql`,
        '',
        `Sample subject: ${sample.uscc} ${sample.enterprise?.name ?? ''}`,
        'Get a token:    TOKEN=$(npm run --silent token -- --role government)',
        'Sample query:',
        `  curl -s ${base}/graphql -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\`,
        `    -d '{"query":"{ subject(uscc: \\"${sample.uscc}\\") { uscc kind region { name } registration { name status } tax { rating { year grade } } judicial { dishonestDebtor { caseNumber } } } }"}'`,
        `More subjects:  npm run --silent subjects -- --limit 5   (from ${ROOT})`,
        '',
      ].join('\n'),
    );
  } catch (e) {
    process.stderr.write(`start failed: ${(e as Error).message}\n`);
    await shutdown(1);
  }
}

void main();
