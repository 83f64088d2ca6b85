import type { Consumer } from '../../lib/auth/consumer';
import { signInternalToken } from '../../lib/auth/internalToken';

/**
 * What the overhead scenario's peer gateways (plainGateway.ts, hiveGateway.ts) share: neither
 * authenticates, but the subgraphs refuse a request without the internal token (SPEC §7), so each
 * sends one for this fixed consumer — the one the benchmark's own token names, so all three
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

/** longer than any benchmark run: the subgraphs refuse an expired token */
const PEER_TOKEN_TTL_SECONDS = 24 * 3600;

/**
 * The peers' one internal token, signed at start and sent with every subgraph fetch: they have no
 * per-request identity to forward, and ours reuses one token per consumer too (InternalTokenIssuer),
 * so no gateway's figure carries signatures or subgraph verifications the others skip.
 */
export function peerInternalToken(secret: string): Promise<string> {
  return signInternalToken({ consumer: BENCH_CONSUMER }, secret, PEER_TOKEN_TTL_SECONDS);
}

export interface RunningPeer {
  /** its GraphQL endpoint, printed once it listens (the bench waits for that line) */
  url: string;
  stop(): Promise<void>;
}

/**
 * A peer's entry point: starts it, prints `<name> serving at <url>`, stops it on SIGTERM or
 * SIGINT, and on a failed start prints one line and exits 1.
 */
export function runPeer(name: string, start: () => Promise<RunningPeer>): void {
  start()
    .then((peer) => {
      process.stdout.write(`${name} serving at ${peer.url}\n`);
      const stop = async () => {
        await peer.stop();
        process.exit(0);
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    })
    .catch((e) => {
      process.stderr.write(`${name} failed to start: ${(e as Error).message}\n`);
      process.exit(1);
    });
}
