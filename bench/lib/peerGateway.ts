import type { Consumer } from '../../lib/auth/consumer';

/**
 * What the overhead scenario's peer gateways (plainGateway.ts, hiveGateway.ts) share: neither
 * authenticates, but the subgraphs refuse a request without the internal token (SPEC §7), so each
 * signs one for this fixed consumer — the one the benchmark's own token names, so all three
 * gateways are answered the same fields.
 */

export const BENCH_CONSUMER: Consumer = {
  id: 'government:bench-org',
  org: 'bench-org',
  role: 'government',
  purpose: 'financial-supervision',
  subject: null,
};

/** the port named by `variable`, or the process stops with one line naming it (as the configuration does) */
export function listenPortOrExit(variable: string): number {
  const port = Number(process.env[variable]);
  if (Number.isInteger(port) && port > 0 && port <= 65535) return port;
  process.stderr.write(`configuration error: ${variable}: must be a port number, got ${JSON.stringify(process.env[variable])}\n`);
  process.exit(1);
}
