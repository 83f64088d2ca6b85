import { getOperationAST, parse, type GraphQLFormattedError } from 'graphql';
import { AUDIT_USCC_ALIAS, rewriteOperation } from '../operationRewrite';
import { walkResult, type FieldOutcome } from '../resultWalk';
import { A, B, access, schema } from './fieldAccessSchema';

/**
 * The walk after execution, with the data and errors a plan over the REWRITTEN operation returns,
 * written out by hand: the client's shape restored, refused fields answered, every error at a
 * path the client selected, every Subject field an outcome for the ledger.
 */

function walk(query: string, role: 'public' | 'government' | 'bank' | 'subject', data: Record<string, unknown> | null, errors: GraphQLFormattedError[] = [], variables: Record<string, unknown> = {}) {
  const document = parse(query);
  const { removed } = rewriteOperation(schema, document, access, { role, purpose: null });
  return walkResult({ schema, document, operation: getOperationAST(document)!, variables, data, errors, removed, access });
}

const brief = (outcomes: FieldOutcome[]) => outcomes.map((o) => `${o.subject} ${o.coordinate} ${o.decision}${o.reason ? ` ${o.reason}` : ''} @${o.path.join('.')}`);

describe('the response the client receives', () => {
  it('drops the private uscc alias and keeps the client aliases', () => {
    const out = walk('{ s: subject(uscc: "x") { n: name } }', 'government', { s: { n: 'Acme', [AUDIT_USCC_ALIAS]: A } });
    expect(out.data).toEqual({ s: { n: 'Acme' } });
    expect(out.errors).toEqual([]);
  });

  it('answers a removed field null with FORBIDDEN at the path the client selected, naming the requirement', () => {
    const out = walk('{ s: subject(uscc: "x") { money: finance { loanBalance } } }', 'public', { s: { [AUDIT_USCC_ALIAS]: A } });
    expect(out.data).toEqual({ s: { money: null } });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ message: 'Not authorized to read Subject.finance: requires FINANCING', path: ['s', 'money'], extensions: { code: 'FORBIDDEN' } });
  });

  it('moves an error on the private alias to the nearest selected path, saying what was refused', () => {
    // a subject token reading another subject: Subject.uscc (the alias) refused, null bubbles up
    const errors = [{ message: 'Not authorized to read Subject.uscc: a subject token reads only its own code', path: ['subject', AUDIT_USCC_ALIAS], extensions: { code: 'FORBIDDEN' } }];
    const out = walk('{ subject(uscc: "x") { name } }', 'subject', { subject: null }, errors);
    expect(out.data).toEqual({ subject: null });
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.path).toEqual(['subject']);
    expect(out.errors[0]!.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('the outcomes the audit ledger records', () => {
  it('records each delivered field of each subject GRANTED, attributed through the private alias', () => {
    const out = walk('{ subjects(usccs: ["x", "y"]) { name customs { creditClass } } }', 'government', {
      subjects: [
        { name: 'Acme', customs: { creditClass: 'REGULAR' }, [AUDIT_USCC_ALIAS]: A },
        { name: 'Beta', customs: null, [AUDIT_USCC_ALIAS]: B },
      ],
    });
    expect(brief(out.outcomes)).toEqual([
      `${A} Subject.name GRANTED @subjects.0.name`,
      `${A} Subject.customs GRANTED @subjects.0.customs`,
      `${A} Customs.creditClass GRANTED @subjects.0.customs.creditClass`,
      `${B} Subject.name GRANTED @subjects.1.name`,
      // null without an error: the department has no record, and that answer was delivered
      `${B} Subject.customs GRANTED @subjects.1.customs`,
    ]);
  });

  it('records a removed field and every field the client selected below it DENIED FORBIDDEN', () => {
    const out = walk('{ subject(uscc: "x") { finance { loanBalance overdueDays } } }', 'public', { subject: { [AUDIT_USCC_ALIAS]: A } });
    expect(brief(out.outcomes)).toEqual([
      `${A} Subject.finance DENIED FORBIDDEN @subject.finance`,
      `${A} Finance.loanBalance DENIED FORBIDDEN @subject.finance.loanBalance`,
      `${A} Finance.overdueDays DENIED FORBIDDEN @subject.finance.overdueDays`,
    ]);
    expect(out.outcomes.every((o) => o.financing && !o.publicClass)).toBe(true);
  });

  it("records a subgraph's CONSENT_REQUIRED on a section as DENIED for the section and each field selected in it", () => {
    const errors = [{ message: 'Subject.finance needs consent', path: ['subject', 'finance'], extensions: { code: 'CONSENT_REQUIRED' } }];
    const out = walk('{ subject(uscc: "x") { name finance { loanBalance } } }', 'bank', { subject: { name: 'Acme', finance: null, [AUDIT_USCC_ALIAS]: A } }, errors);
    expect(brief(out.outcomes)).toEqual([
      `${A} Subject.name GRANTED @subject.name`,
      `${A} Subject.finance DENIED CONSENT_REQUIRED @subject.finance`,
      `${A} Finance.loanBalance DENIED CONSENT_REQUIRED @subject.finance.loanBalance`,
    ]);
    expect(out.errors.map((e) => e.path)).toEqual([['subject', 'finance']]);
  });

  it('records nothing as delivered for a section that failed (DEPARTMENT_UNAVAILABLE is not a refusal)', () => {
    const errors = [{ message: 'customs unavailable', path: ['subject', 'customs'], extensions: { code: 'DEPARTMENT_UNAVAILABLE' } }];
    const out = walk('{ subject(uscc: "x") { customs { creditClass } } }', 'government', { subject: { customs: null, [AUDIT_USCC_ALIAS]: A } }, errors);
    expect(out.outcomes).toEqual([]);
  });

  it('attributes the fields of a Subject refused whole through the root arguments (the alias never came back)', () => {
    const errors = [{ message: 'refused', path: ['subjects', 1, AUDIT_USCC_ALIAS], extensions: { code: 'FORBIDDEN' } }];
    const out = walk('query($u: [String!]!) { subjects(usccs: $u) { name } }', 'subject', { subjects: [{ name: 'Own', [AUDIT_USCC_ALIAS]: A }, null] }, errors, { u: [A, B] });
    expect(brief(out.outcomes)).toEqual([`${A} Subject.name GRANTED @subjects.0.name`, `${B} Subject.name DENIED FORBIDDEN @subjects.1.name`]);
  });

  it('walks variables with their defaults, as execution ran them: the subject a default names, a field a default includes', () => {
    const out = walk(`query($u: [String!]! = ["${A}", "${B}"], $x: Boolean = true) { subjects(usccs: $u) { name @include(if: $x) } }`, 'subject', { subjects: [{ name: 'Own', [AUDIT_USCC_ALIAS]: A }, null] }, [
      { message: 'refused', path: ['subjects', 1, AUDIT_USCC_ALIAS], extensions: { code: 'FORBIDDEN' } },
    ]);
    expect(brief(out.outcomes)).toEqual([`${A} Subject.name GRANTED @subjects.0.name`, `${B} Subject.name DENIED FORBIDDEN @subjects.1.name`]);
  });

  it('records a root field that is not a Subject once, with the subject its arguments name', () => {
    const out = walk('{ auditTrail(uscc: "x") }', 'government', { auditTrail: ['entry'] });
    expect(brief(out.outcomes)).toEqual(['x Query.auditTrail GRANTED @auditTrail']);
  });

  it('leaves provenance (Source) out of the ledger: it describes the section, not the subject', () => {
    const out = walk('{ subject(uscc: "x") { source { department } } }', 'government', { subject: { source: { department: 'MARKET' }, [AUDIT_USCC_ALIAS]: A } });
    expect(brief(out.outcomes)).toEqual([`${A} Subject.source GRANTED @subject.source`]);
  });
});
