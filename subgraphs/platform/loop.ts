import DataLoader from 'dataloader';
import type { Pool } from 'pg';
import type { Config } from '../../lib/config';
import type { Listing } from '../../lib/credit/evaluate';
import type { RequestInfo } from '../../lib/subgraph/createSubgraph';
import { systemClock, type Clock } from '../../lib/loop/calendar';
import { CommitmentStore } from '../../lib/loop/CommitmentStore';
import { eventsOf, type LoopEvent } from '../../lib/loop/loopSchema';
import { ObjectionStore } from '../../lib/loop/ObjectionStore';
import { RepairStore } from '../../lib/loop/RepairStore';
import { applyForRepair, decideRepair, repair, repairs, repairTypes } from './repairs';
import { blackListingsLoader, commitmentTypes, signCommitment, subjectCommitments } from './commitments';
import { decideObjection, fileObjection, objection, objectionTypes, objections, type LoopContext } from './objections';

/**
 * The subject's side of the loop (issue 12) wired into the platform: its stores per request
 * (they hold only the pool and the clock) and its resolvers, merged into the platform's map.
 */

export interface LoopOptions {
  /** what the workflows ask the time (deadlines, overdue); tests inject a fixed day */
  clock?: Clock;
}

export interface LoopServices {
  objections: ObjectionStore;
  commitments: CommitmentStore;
  repairs: RepairStore;
  config: Config;
  /** the same clock the stores use (a repair's earliest day is counted on it) */
  clock: Clock;
  /** the request's subjects' black listings (a commitment's breach), batched across subjects */
  blackListings: DataLoader<string, Listing[]>;
  /** the histories of the request's cases (objections, repairs), one query for all of them */
  history: DataLoader<string, LoopEvent[]>;
}

export function loopServices(pool: Pool, config: Config, options: LoopOptions, request: RequestInfo): LoopServices {
  const clock = options.clock ?? systemClock;
  return {
    objections: new ObjectionStore(pool, clock),
    commitments: new CommitmentStore(pool, clock),
    repairs: new RepairStore(pool, clock),
    config,
    clock,
    blackListings: blackListingsLoader(pool, config, clock, request),
    history: new DataLoader((ids) => eventsOf(pool, ids), { maxBatchSize: 500 }),
  };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- args are typed per resolver below
type Resolver = (parent: any, args: any, ctx: any) => unknown;

const queries: Record<string, Resolver> = {
  objection: (_, args: { id: string }, ctx) => objection(ctx, args.id),
  objections: (_, args: Parameters<typeof objections>[1], ctx) => objections(ctx, args),
  repair: (_, args: { id: string }, ctx) => repair(ctx, args.id),
  repairs: (_, args: Parameters<typeof repairs>[1], ctx) => repairs(ctx, args),
};

const mutations: Record<string, Resolver> = {
  fileObjection: (_, args: { input: Parameters<typeof fileObjection>[1] }, ctx) => fileObjection(ctx, args.input),
  decideObjection: (_, args: { input: Parameters<typeof decideObjection>[1] }, ctx) => decideObjection(ctx, args.input),
  signCommitment: (_, args: Parameters<typeof signCommitment>[1], ctx) => signCommitment(ctx, args),
  applyForRepair: (_, args: { input: Parameters<typeof applyForRepair>[1] }, ctx) => applyForRepair(ctx, args.input),
  decideRepair: (_, args: { input: Parameters<typeof decideRepair>[1] }, ctx) => decideRepair(ctx, args.input),
};

/** the platform's resolver map with the loop's fields added */
export function withLoopResolvers<M extends { Query?: object; Mutation?: object; Subject?: object }>(map: M): M {
  return {
    ...map,
    ...objectionTypes,
    ...commitmentTypes,
    ...repairTypes,
    Query: { ...map.Query, ...queries },
    Mutation: { ...map.Mutation, ...mutations },
    Subject: { ...map.Subject, commitments: subjectCommitments },
  };
}
