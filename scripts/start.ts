import { DEPARTMENTS, SUBGRAPHS, loadConfigOrExit } from '../lib/config';
import { createWorld } from '../legacy/world';
import { demoSubject } from './demoSubject';
import { GATEWAY_NODE_ARGS, ROOT, portInUse, startService, stopAll, waitForLine, waitForOk, waitForPort, type RunningService, type ServiceSpec } from './processes';

/**
 * `npm start`: the legacy stand-ins, the six subgraphs and the gateway as separate processes on
 * the ports of SPEC §4, logs prefixed by service; Ctrl-C stops them all, in the reverse order of
 * their start (the gateway first, so requests in flight still reach the subgraphs and the ledger;
 * the embedded database last, so no process sees its connections cut).
 */

const PORT_VARIABLES = 'PORT/SUBGRAPH_PORT_BASE/LEGACY_PORT_BASE/EMBEDDED_DB_PORT';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const env: Record<string, string | undefined> = { ...process.env };
  const embeddedDbPort = config.databaseUrl ? undefined : config.embeddedDbPort;
  // Every port before anything starts: a second `npm start` must stop here, not find the first
  // one's services answering and call itself ready.
  const taken = await portInUse([
    config.port,
    ...SUBGRAPHS.map((_, i) => config.subgraphPortBase + i + 1),
    ...DEPARTMENTS.map((_, i) => config.legacyPortBase + i + 1),
    ...(embeddedDbPort === undefined ? [] : [embeddedDbPort]),
  ]);
  if (taken !== undefined) {
    process.stderr.write(`port ${taken} is in use: is another \`npm start\` running? set ${PORT_VARIABLES}\n`);
    process.exit(1);
  }

  /** services by start order; stopped tier by tier from the last */
  const tiers: RunningService[][] = [];
  const start = (specs: ServiceSpec[]) => {
    // own process groups: a terminal's Ctrl-C reaches only this process, which stops them in order
    const tier = specs.map((spec) => startService(spec, { ownProcessGroup: true }));
    tiers.push(tier);
    return tier;
  };
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const tier of [...tiers].reverse()) await stopAll(tier);
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void shutdown(0));
  // the children do not share our process group: never leave them behind, however we exit
  process.once('exit', () => tiers.flat().forEach((s) => s.child.exitCode === null && s.child.signalCode === null && s.child.kill('SIGKILL')));

  try {
    if (embeddedDbPort !== undefined) {
      // No DATABASE_URL: one embedded PGlite served over the wire protocol to every process.
      const [db] = start([{ name: 'database', entry: 'scripts/embeddedDatabase.ts', env: { ...env, EMBEDDED_DB_PORT: String(embeddedDbPort) } }]);
      env.DATABASE_URL = `postgres://postgres@127.0.0.1:${embeddedDbPort}/postgres?sslmode=disable`;
      await waitForPort(embeddedDbPort, db!);
    }
    const [legacy] = start([{ name: 'legacy', entry: 'legacy/index.ts', env }]);
    await waitForOk(`${config.legacyUrls.market}/__admin/stats`, legacy!);

    const subgraphs = start(SUBGRAPHS.map((name) => ({ name, entry: `subgraphs/${name}/index.ts`, env })));
    await Promise.all(subgraphs.map((s) => waitForOk(config.subgraphUrls[s.name as (typeof SUBGRAPHS)[number]].replace(/\/graphql$/, '/healthz'), s)));

    const [gateway] = start([{ name: 'gateway', entry: 'gateway/index.ts', env, nodeArgs: GATEWAY_NODE_ARGS }]);
    // gateway/index.ts prints this once ITS server is bound: /readyz then answers for this gateway, no other
    const listening = waitForLine(gateway!, /^gateway serving at /);
    const base = `http://127.0.0.1:${config.port}`;
    await listening;
    await waitForOk(`${base}/readyz`, gateway!);

    for (const s of tiers.flat()) {
      void s.exited.then((code) => {
        if (!stopping) {
          process.stderr.write(`${s.name} exited (${code}); stopping everything\n`);
          void shutdown(1);
        }
      });
    }
    printWelcome(base, createWorld(config.world));
  } catch (e) {
    process.stderr.write(`start failed: ${(e as Error).message}\n`);
    await shutdown(1);
  }
}

function printWelcome(base: string, world: ReturnType<typeof createWorld>): void {
  const demo = demoSubject(world);
  const curl = (token: string, body: string) =>
    [`  curl -s ${base}/graphql -H 'content-type: application/json' -H "authorization: Bearer $${token}" \\`, `    -d '${body}'`];
  const query = (q: string) => JSON.stringify({ query: q });
  // a fixed date would make the printed grant fail once it has passed: half a year from today
  const consentUntil = `${new Date(Date.now() + 183 * 86_400_000).toISOString().slice(0, 10)}T23:59:59+08:00`;
  process.stdout.write(
    [
      '',
      `Gateway ready at ${base}/graphql`,
      `In a browser, with a token pasted in:  ${base}/graphiql (explorer, development only)  ${base}/console/ (auditor and subject views)`,
      '',
      `Demo subject: ${demo.uscc} ${demo.enterprise?.name ?? ''} (a record in every department, a loan on the finance platform)`,
      '',
      'A government official reads its profile:',
      '  GOV=$(npm run --silent token -- --role government)',
      ...curl('GOV', query(`{ subject(uscc: "${demo.uscc}") { kind region { name } registration { name status } tax { rating { year grade } } judicial { enforcementCases { caseNumber court } } customs { creditClass } } }`)),
      'A bank reads its finance section: CONSENT_REQUIRED until the subject consents, then the loan balance:',
      '  BANK=$(npm run --silent token -- --role bank --org bank-a --purpose financing)',
      ...curl('BANK', query(`{ subject(uscc: "${demo.uscc}") { finance { loanBalance overdueAmount rating { agency grade } } } }`)),
      `  SELF=$(npm run --silent token -- --role subject --subject ${demo.uscc})`,
      ...curl('SELF', query(`mutation { grantConsent(input: { subject: "${demo.uscc}", grantee: "bank-a", purpose: "financing", expiresAt: "${consentUntil}" }) { id status } }`)),
      '',
      `More subjects:  npm run --silent subjects -- --limit 5 --with finance   (from ${ROOT})`,
      'Fields, classes and limits: schema/REFERENCE.md',
      '',
    ].join('\n'),
  );
}

void main();
