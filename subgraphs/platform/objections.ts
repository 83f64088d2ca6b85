import type DataLoader from 'dataloader';
import type { GraphQLError } from 'graphql';
import type { Consumer } from '../../lib/auth/consumer';
import type { Config } from '../../lib/config';
import { departmentConstant, type Department } from '../../lib/departments';
import { clientError, UnreachableCaseError } from '../../lib/errors';
import { recordVisible } from '../../lib/loop/departmentRecords';
import { fieldProblem, type DisputableType } from '../../lib/loop/disputableRecords';
import type { LoopEvent } from '../../lib/loop/loopSchema';
import type { Decision, Objection, ObjectionPhase, ObjectionStatus, ObjectionStore } from '../../lib/loop/ObjectionStore';
import type { Pool } from 'pg';

/**
 * 异议处理 in the graph. Who may do what is checked here, beside the SDL's @access, as
 * grantConsent does: only the subject files against its own records; only the owning department's
 * handler (role government with that `department` claim) decides; auditors read every case.
 */

export interface LoopContext {
  consumer: Consumer;
  requestId: string;
  pool: Pool;
  loaders: { loop: { objections: ObjectionStore; config: Config; history: DataLoader<string, LoopEvent[]> } };
}

/** long enough for a statement of facts; a case file is attached by reference, not pasted */
export const MAX_TEXT_CHARS = 2000;
const ID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function forbidden(message: string): GraphQLError {
  return clientError('FORBIDDEN', message);
}
export function badInput(message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', message);
}

/** a required free text: not blank, at most MAX_TEXT_CHARS (said in the SDL's descriptions) */
export function text(name: string, value: string | null | undefined): string {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') throw badInput(`${name} must not be empty`);
  if (Array.from(trimmed).length > MAX_TEXT_CHARS) throw badInput(`${name} takes at most ${MAX_TEXT_CHARS} characters`);
  // the gateway refuses it first; kept here too because PostgreSQL text cannot hold it at all
  if (trimmed.includes('\u0000')) throw badInput(`${name} must not contain U+0000`);
  return trimmed;
}

export function checkId(id: string, what: string): void {
  if (!ID_PATTERN.test(id)) throw badInput(`id must be ${what} id`);
}

export function actorOf(consumer: Consumer) {
  return { id: consumer.id, org: consumer.org, role: consumer.role };
}

/** the GraphQL `Department` enum value (MARKET) as the department table names it (market) */
function departmentOf(value: string): Department {
  return value.toLowerCase() as Department;
}

export interface FileObjectionInput {
  uscc: string;
  department: string;
  recordRef: string;
  field: string;
  claim: string;
  evidence: string;
}

export async function fileObjection(ctx: LoopContext, input: FileObjectionInput): Promise<Objection> {
  const { consumer } = ctx;
  if (consumer.role !== 'subject' || consumer.subject !== input.uscc) throw forbidden('Only the subject itself may object to its records');
  const department = departmentOf(input.department);
  const problem = fieldProblem(input.field, department);
  if (problem) throw badInput(problem);
  const [type, field] = input.field.split('.') as [DisputableType, string];
  const recordRef = text('recordRef', input.recordRef);
  if (recordRef.length > 100) throw badInput('recordRef takes at most 100 characters');
  const claim = text('claim', input.claim);
  const evidence = text('evidence', input.evidence);
  const visible = await recordVisible({
    subgraphUrl: ctx.loaders.loop.config.subgraphUrls[department],
    internalTokenSecret: ctx.loaders.loop.config.internalTokenSecret,
    consumer,
    requestId: ctx.requestId,
    uscc: input.uscc,
    type,
    field,
    recordRef,
  });
  // Same answer for "not yours" and "does not exist": a record number is not an oracle.
  if (!visible) throw forbidden(`${type} ${recordRef} is not among the records ${department} shows for ${input.uscc}`);
  return ctx.loaders.loop.objections.file({ uscc: input.uscc, department, recordType: type, recordRef, field: input.field, claim, evidence }, actorOf(consumer));
}

export interface DecideObjectionInput {
  id: string;
  uscc: string;
  decision: Decision;
  text?: string | null;
}

/** the handler's words: required to say what changes (CORRECTED) or why not (REJECTED) */
function decisionText(decision: Decision, value: string | null | undefined): string | null {
  switch (decision) {
    case 'ACCEPTED':
      return value && value.trim() !== '' ? text('text', value) : null;
    case 'CORRECTED':
      return text('text (what the department will change)', value);
    case 'REJECTED':
      return text('text (the reasons)', value);
    default:
      throw new UnreachableCaseError(decision);
  }
}

export async function decideObjection(ctx: LoopContext, input: DecideObjectionInput): Promise<Objection> {
  checkId(input.id, 'an objection');
  const { consumer } = ctx;
  const note = decisionText(input.decision, input.text);
  return decideAsHandler(consumer, ctx.loaders.loop.objections, { ...input, note }, 'Only a handler of the department that owns the record may decide the objection');
}

/** a store of the loop's cases (objections, repairs), as a handler's decision needs it */
interface CaseDecider<Case, D> {
  byId(id: string): Promise<Case | null>;
  decide(id: string, decision: D, text: string | null, actor: ReturnType<typeof actorOf>): Promise<Case>;
}

/** decides a case for its handler only; anybody else is refused alike whether the case exists or not */
export async function decideAsHandler<Case extends { uscc: string; department: Department }, D>(
  consumer: Consumer,
  store: CaseDecider<Case, D>,
  input: { id: string; uscc: string; decision: D; note: string | null },
  refusal: string,
): Promise<Case> {
  if (!isHandlerOf(consumer, await store.byId(input.id), input.uscc)) throw forbidden(refusal);
  return store.decide(input.id, input.decision, input.note, actorOf(consumer));
}

/**
 * Who reads a case of the loop (an objection, a repair application): its subject, a handler of the
 * department that owns it, and auditors; nobody else learns it exists.
 */
export function mayReadCase(consumer: Consumer, found: { uscc: string; department: Department }): boolean {
  switch (consumer.role) {
    case 'subject':
      return consumer.subject === found.uscc;
    case 'government':
      return consumer.department === found.department;
    case 'auditor':
      return true;
    case 'public':
    case 'bank':
      return false;
    default:
      throw new UnreachableCaseError(consumer.role);
  }
}

/** the handler who may decide a case: government, of the case's department, naming its subject */
function isHandlerOf(consumer: Consumer, found: { uscc: string; department: Department } | null, uscc: string): boolean {
  return found !== null && consumer.role === 'government' && consumer.department === found.department && found.uscc === uscc;
}

export async function objection(ctx: LoopContext, id: string): Promise<Objection> {
  checkId(id, 'an objection');
  const found = await ctx.loaders.loop.objections.byId(id);
  if (!found || !mayReadCase(ctx.consumer, found)) throw forbidden('Objections are readable by their subject, the owning department and auditors');
  return found;
}

export interface ObjectionFilterInput {
  department?: string | null;
  status?: ObjectionStatus | null;
  overdue?: boolean | null;
  uscc?: string | null;
}

const MAX_QUEUE_PAGE = 200;

/** the queue: a handler's own department, an auditor's any, a subject's own cases */
export async function objections(ctx: LoopContext, args: { filter: ObjectionFilterInput; first?: number | null }): Promise<Objection[]> {
  const { filter, first } = queueArgs<ObjectionStatus>(ctx.consumer, args, 'objections');
  return ctx.loaders.loop.objections.list(filter, first);
}

/**
 * A queue's page size and filter, narrowed to what this consumer may read (objections and repairs
 * alike): a handler's own department, an auditor's any, a subject's own cases.
 */
export function queueArgs<Status extends string>(
  consumer: Consumer,
  args: { filter: { department?: string | null; status?: Status | null; overdue?: boolean | null; uscc?: string | null }; first?: number | null },
  cases: 'objections' | 'repairs',
): { filter: { department: Department | null; status?: Status | null; overdue?: boolean | null; uscc?: string | null }; first: number } {
  const first = args.first ?? 50;
  if (first < 1 || first > MAX_QUEUE_PAGE) throw badInput(`first must be between 1 and ${MAX_QUEUE_PAGE}`);
  const filter = { ...args.filter, department: args.filter.department ? departmentOf(args.filter.department) : null };
  switch (consumer.role) {
    case 'subject':
      if (!filter.uscc || filter.uscc !== consumer.subject) throw forbidden(`A subject reads its own ${cases}: filter by its uscc`);
      break;
    case 'government':
      if (!consumer.department) throw forbidden('The queue is for the handlers of a department (a token with a department claim) and auditors');
      if (filter.department && filter.department !== consumer.department) throw forbidden(`A handler of ${consumer.department} reads its own department's queue`);
      filter.department = consumer.department;
      break;
    case 'auditor':
      break;
    case 'public':
    case 'bank':
      throw forbidden('The queue is for the handlers of a department and auditors');
    default:
      throw new UnreachableCaseError(consumer.role);
  }
  return { filter, first };
}

function decidedAt(phase: { decidedAt: Date }): string {
  return phase.decidedAt.toISOString();
}

/** Objection's own fields beyond the stored ones */
export const objectionTypes = {
  Objection: {
    department: (o: Objection) => departmentConstant(o.department),
    status: (o: Objection) => o.phase.status,
    filedAt: (o: Objection) => o.filedAt.toISOString(),
    history: (o: Objection, _: unknown, ctx: LoopContext): Promise<LoopEvent[]> => ctx.loaders.loop.history.load(o.id),
  },
  ObjectionAccepted: { decidedAt: decidedAt },
  ObjectionCorrected: { decidedAt: decidedAt },
  ObjectionRejected: { decidedAt: decidedAt },
  ObjectionPhase: {
    __resolveType: (phase: ObjectionPhase) => {
      switch (phase.status) {
        case 'OPEN':
          return 'ObjectionOpen';
        case 'ACCEPTED':
          return 'ObjectionAccepted';
        case 'CORRECTED':
          return 'ObjectionCorrected';
        case 'REJECTED':
          return 'ObjectionRejected';
        default:
          throw new UnreachableCaseError(phase);
      }
    },
  },
  LoopEvent: {
    at: (e: LoopEvent) => e.at.toISOString(),
  },
};
