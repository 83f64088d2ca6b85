import { isDeepStrictEqual } from 'node:util';
import type { BenchContext } from './context';
import { postGraphQL } from './http';
import { sequentialProfiles } from './sequential';
import { ratio } from './stats';
import { isSingleHop } from './subjects';

/**
 * Our gateway beside its two peers over the same supergraph and subgraph processes (issue 13):
 * the plain @apollo/gateway (bench/plainGateway.ts) and Hive Gateway (bench/hiveGateway.ts), neither
 * authenticating. Every peer is sent the same request, bearer token included (the two that do not
 * authenticate ignore it), and they take turns, so that all three see the same moments of a
 * machine whose speed drifts.
 */

export const PEERS = ['ours', 'plain', 'hive'] as const;
export type Peer = (typeof PEERS)[number];
export type PerPeer<T> = Record<Peer, T>;

export function peerUrls(ctx: BenchContext): PerPeer<string> {
  return { ours: ctx.stack.gatewayUrl, plain: ctx.stack.plainGatewayUrl, hive: ctx.stack.hiveGatewayUrl };
}

export function perPeer<T>(make: (peer: Peer) => T): PerPeer<T> {
  return { ours: make('ours'), plain: make('plain'), hive: make('hive') };
}

/**
 * Per peer, why its answer to one subject's full profile is not ours (an HTTP status, GraphQL
 * errors, the first path where the data parts), or null when it is the same data: a throughput
 * compared on different answers would mean nothing. Ours is checked for a clean answer.
 */
export async function answerDifferences(ctx: BenchContext, urls: PerPeer<string>, uscc: string): Promise<PerPeer<string | null>> {
  // one after another: the first fills the subgraphs' caches, so all three read the same legacy
  // answer (asked at once, each could fetch its own, with its own provenance fetchedAt)
  const ask = (peer: Peer) => postGraphQL(urls[peer], ctx.profileQuery, { variables: { uscc }, token: ctx.token });
  const ours = await ask('ours');
  const differences = perPeer((): string | null => null);
  for (const peer of PEERS) {
    const { status, body } = peer === 'ours' ? ours : await ask(peer);
    if (status !== 200 || body.errors?.length) differences[peer] = `HTTP ${status}${body.errors?.length ? `, ${body.errors.length} errors (first: ${body.errors[0].message.slice(0, 120)})` : ''}`;
    else if (!isDeepStrictEqual(body.data, ours.body.data)) differences[peer] = `data differs from ours at ${firstDifference(ours.body.data, body.data, 'data')}`;
  }
  return differences;
}

/** the path of the first value that differs between two JSON answers */
function firstDifference(a: unknown, b: unknown, path: string): string {
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const x = (a as Record<string, unknown>)[key];
      const y = (b as Record<string, unknown>)[key];
      if (!isDeepStrictEqual(x, y)) return firstDifference(x, y, `${path}.${key}`);
    }
  }
  return `${path} (${JSON.stringify(a)?.slice(0, 60)} vs ${JSON.stringify(b)?.slice(0, 60)})`;
}

export interface ColdSamples {
  samplesMs: number[];
  /** responses with a GraphQL error or a non-200 status */
  failed: number;
}

/**
 * The single-hop full profile (every department one legacy round trip), one request at a time,
 * the peers in turn, each request a subject no gateway was asked for before: the subgraphs cache
 * legacy answers, so a subject one peer asked would be warm for the next.
 */
export async function coldSingleHop(ctx: BenchContext, urls: PerPeer<string>, perPeerCount: number): Promise<PerPeer<ColdSamples>> {
  const cold = perPeer((): ColdSamples => ({ samplesMs: [], failed: 0 }));
  for (let i = 0; i < perPeerCount; i++) {
    for (const peer of PEERS) {
      const run = await sequentialProfiles(ctx, ctx.pool.take(1, isSingleHop), { url: urls[peer] });
      cold[peer].samplesMs.push(...run.samplesMs);
      cold[peer].failed += run.failed;
    }
  }
  return cold;
}

/** each round's ratio of two series of the same rounds, and their spread */
export function roundRatios(numerators: readonly number[], denominators: readonly number[]): { perRound: number[]; min: number; max: number } {
  const perRound = numerators.map((n, i) => ratio(n, denominators[i]!));
  return { perRound, min: Math.min(...perRound), max: Math.max(...perRound) };
}
