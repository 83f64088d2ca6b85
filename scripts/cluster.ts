import os from 'node:os';
import path from 'node:path';
import { DEPARTMENTS, SUBGRAPHS, loadConfigOrExit } from '../lib/config';
import { GATEWAY_NODE_ARGS, portInUse, startService, stopAll, waitForLine, waitForOk, type RunningService, type ServiceSpec } from './processes';
import { startHaproxy, type Backend, type RunningHaproxy } from './cluster/haproxy';

/**
 * `npm run start:cluster` (issue 15): two gateway replicas and two instances of each subgraph, all
 * processes, behind HAProxy on 127.0.0.1, sharing one Redis and one PostgreSQL. Clients use the
 * ports of SPEC §4 — those are HAProxy's frontends — and the replicas listen on a block above
 * CLUSTER_PORT_BASE (default 4200): gateways base+1 and base+2, subgraph instance r at
 * base+10(r+1)+1…+6. A replica that exits is started again (as a Deployment would), so
 * `kill -TERM <pid>` of one replica at a time is a rolling restart; Ctrl-C stops everything.
 */

const REPLICAS = 2;

function required(name: string, why: string): string {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`configuration error: ${name} must be set for start:cluster (${why})\n`);
    process.exit(1);
  }
  return value;
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  required('REDIS_URL', 'the replicas share rate limits and the consent cache through it');
  required('DATABASE_URL', 'the replicas share consents and the audit ledger in one PostgreSQL');
  const base = Number(process.env.CLUSTER_PORT_BASE ?? 4200);
  if (!Number.isInteger(base) || base < 1 || base > 65500) {
    process.stderr.write(`configuration error: CLUSTER_PORT_BASE: must be a port number ≤ 65500, got ${JSON.stringify(process.env.CLUSTER_PORT_BASE)}\n`);
    process.exit(1);
  }
  const gatewayPorts = Array.from({ length: REPLICAS }, (_, r) => base + 1 + r);
  const subgraphBase = (r: number) => base + 10 * (r + 1);
  const frontends = SUBGRAPHS.map((_, i) => config.subgraphPortBase + i + 1);
  const taken = await portInUse([
    config.port,
    ...frontends,
    ...gatewayPorts,
    ...Array.from({ length: REPLICAS }, (_, r) => SUBGRAPHS.map((_, i) => subgraphBase(r) + i + 1)).flat(),
    ...DEPARTMENTS.map((_, i) => config.legacyPortBase + i + 1),
  ]);
  if (taken !== undefined) {
    process.stderr.write(`port ${taken} is in use: is another start or start:cluster running? set PORT/SUBGRAPH_PORT_BASE/LEGACY_PORT_BASE/CLUSTER_PORT_BASE\n`);
    process.exit(1);
  }

  // every part finds every subgraph through the balancer, never one instance
  const env: Record<string, string | undefined> = {
    ...process.env,
    ...Object.fromEntries(SUBGRAPHS.map((name, i) => [`${name.toUpperCase()}_SUBGRAPH_URL`, `http://127.0.0.1:${frontends[i]}/graphql`])),
  };
  const running = new Map<string, RunningService>();
  let stopping = false;
  let haproxy: RunningHaproxy | undefined;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    const byPrefix = (p: string) => [...running.values()].filter((s) => s.name.startsWith(p));
    await stopAll(byPrefix('gateway')); // first: requests in flight still reach subgraphs and ledger
    await stopAll([...running.values()].filter((s) => s.name !== 'legacy' && !s.name.startsWith('gateway')));
    await haproxy?.stop();
    await stopAll(byPrefix('legacy'));
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => void shutdown(0));
  process.once('exit', () => [...running.values()].forEach((s) => s.child.exitCode === null && s.child.signalCode === null && s.child.kill('SIGKILL')));

  /** starts a part and keeps it running: an exit that is not ours is followed by a fresh start */
  const supervise = async (spec: ServiceSpec, ready: (s: RunningService) => Promise<unknown>): Promise<void> => {
    const service = startService(spec, { ownProcessGroup: true });
    running.set(spec.name, service);
    void service.exited.then((code) => {
      if (stopping) return;
      process.stderr.write(`${spec.name} exited (${code}); starting it again\n`);
      setTimeout(() => void supervise(spec, ready).catch((e) => process.stderr.write(`${spec.name}: ${(e as Error).message}\n`)), 1000);
    });
    await ready(service);
  };

  try {
    const backends: Backend[] = [
      { name: 'gateway', frontendPort: config.port, serverPorts: gatewayPorts, healthPath: '/readyz' },
      ...SUBGRAPHS.map((name, i) => ({
        name,
        frontendPort: frontends[i]!,
        serverPorts: Array.from({ length: REPLICAS }, (_, r) => subgraphBase(r) + i + 1),
        healthPath: '/healthz',
      })),
    ];
    haproxy = await startHaproxy({ backends, checkIntervalMs: 1000, rise: 2 }, path.join(os.tmpdir(), `credit-graph-cluster-${process.pid}`));
    process.stdout.write(`[haproxy] ${haproxy.configFile}\n`);
    void haproxy.exited.then(() => !stopping && (process.stderr.write('haproxy exited; stopping everything\n'), void shutdown(1)));

    await supervise({ name: 'legacy', entry: 'legacy/index.ts', env }, (s) => waitForOk(`${config.legacyUrls.market}/__admin/stats`, s));
    // replica 1 of every part first: it migrates the schema, which two first starts would race on
    for (let r = 0; r < REPLICAS; r++) {
      await Promise.all(
        SUBGRAPHS.map((name, i) =>
          supervise({ name: `${name}${r + 1}`, entry: `subgraphs/${name}/index.ts`, env: { ...env, SUBGRAPH_PORT_BASE: String(subgraphBase(r)) } }, (s) =>
            waitForOk(`http://127.0.0.1:${subgraphBase(r) + i + 1}/healthz`, s),
          ),
        ),
      );
    }
    for (let r = 0; r < REPLICAS; r++) {
      await supervise({ name: `gateway${r + 1}`, entry: 'gateway/index.ts', nodeArgs: GATEWAY_NODE_ARGS, env: { ...env, PORT: String(gatewayPorts[r]) } }, (s) =>
        waitForLine(s, /^gateway serving at /),
      );
    }
    const url = `http://127.0.0.1:${config.port}`;
    await waitForOk(`${url}/readyz`, running.get('gateway1')!);
    process.stdout.write(
      [
        '',
        `Cluster ready: HAProxy at ${url}/graphql in front of gateways :${gatewayPorts.join(', :')},`,
        `subgraphs behind :${frontends[0]}-${frontends[frontends.length - 1]} (instances from :${subgraphBase(0) + 1} and :${subgraphBase(1) + 1}).`,
        'Rolling restart: kill -TERM one replica at a time (it drains; this script starts it again).',
        '',
      ].join('\n'),
    );
  } catch (e) {
    process.stderr.write(`start:cluster failed: ${(e as Error).message}\n`);
    await shutdown(1);
  }
}

void main();
