import net from 'node:net';

/**
 * Ports for one benchmark stack, chosen free in 5000-5200 so that a running `npm start`
 * (4000-4106, database 4099) is never disturbed. One block of BLOCK_SIZE consecutive ports:
 * gateway, plain gateway, database, SUBGRAPH_PORT_BASE (+1…+6), LEGACY_PORT_BASE (+1…+5), Hive Gateway,
 * and the phases scenario's OTLP receiver.
 */

export interface BenchPorts {
  gateway: number;
  plainGateway: number;
  hiveGateway: number;
  /** where the phases scenario's traced stack sends its spans (bench/lib/otlpReceiver.ts) */
  traceReceiver: number;
  database: number;
  /** SUBGRAPH_PORT_BASE: platform = base+1 … finance = base+6 */
  subgraphBase: number;
  /** LEGACY_PORT_BASE: market stand-in = base+1 … finance = base+5 */
  legacyBase: number;
}

const FIRST_PORT = 5000;
const LAST_PORT = 5200;
const BLOCK_SIZE = 20;

function layout(start: number): BenchPorts {
  return { gateway: start, plainGateway: start + 1, database: start + 2, subgraphBase: start + 3, legacyBase: start + 10, hiveGateway: start + 16, traceReceiver: start + 17 };
}

/** every port of the block that a service will listen on */
export function portsInUse(p: BenchPorts): number[] {
  const range = (base: number, n: number) => Array.from({ length: n }, (_, i) => base + i + 1);
  return [p.gateway, p.plainGateway, p.database, ...range(p.subgraphBase, 6), ...range(p.legacyBase, 5), p.hiveGateway, p.traceReceiver];
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

export async function findFreePorts(): Promise<BenchPorts> {
  for (let start = FIRST_PORT; start + BLOCK_SIZE - 1 <= LAST_PORT; start += BLOCK_SIZE) {
    const ports = layout(start);
    const free = await Promise.all(portsInUse(ports).map(isFree));
    if (free.every(Boolean)) return ports;
  }
  throw new Error(`no block of ${BLOCK_SIZE} free ports between ${FIRST_PORT} and ${LAST_PORT}`);
}
