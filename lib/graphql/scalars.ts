import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { clientError } from '../errors';
import { checkUscc } from '../ids';

/**
 * The graph's scalars (SPEC §5), one implementation for every subgraph. Parse failures are
 * `BAD_USER_INPUT` naming the rule broken, so nothing downstream ever sees a malformed code.
 */

function badInput(message: string): GraphQLError {
  return clientError('BAD_USER_INPUT', message);
}

/**
 * A literal as `parseValue` sees it: a non-string literal is refused with the same message as a
 * non-string variable, so a client reads the same words whichever way it sent the value.
 */
function literal(ast: ValueNode): unknown {
  return ast.kind === Kind.STRING ? ast.value : undefined;
}

export function parseUsccInput(value: unknown): string {
  if (typeof value !== 'string') throw badInput('USCC must be a string of 18 characters');
  const result = checkUscc(value);
  if (!result.ok) throw badInput(`Invalid USCC: ${result.error.message}`);
  return result.value.code;
}

export const USCCScalar = new GraphQLScalarType({
  name: 'USCC',
  description: 'Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, charset and check character validated.',
  serialize: (v) => v,
  parseValue: parseUsccInput,
  parseLiteral: (ast) => parseUsccInput(literal(ast)),
});

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) throw badInput('Date must be an ISO 8601 calendar date YYYY-MM-DD');
  return value;
}

export const DateScalar = new GraphQLScalarType({
  name: 'Date',
  description: 'ISO 8601 calendar date, YYYY-MM-DD.',
  serialize: (v) => v,
  parseValue: parseDate,
  parseLiteral: (ast) => parseDate(literal(ast)),
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !ISO_DATE_TIME.test(value) || Number.isNaN(Date.parse(value)) || !isIsoDate(value.slice(0, 10))) {
    throw badInput('DateTime must be ISO 8601 with an offset, e.g. 2026-12-31T23:59:59+08:00');
  }
  return value;
}

export const DateTimeScalar = new GraphQLScalarType({
  name: 'DateTime',
  description: 'ISO 8601 date and time with offset.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : v),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(literal(ast)),
});

const DECIMAL = /^-?\d{1,20}(\.\d{1,6})?$/;

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !DECIMAL.test(value)) throw badInput('Decimal must be a string such as "1234.50"');
  return value;
}

export const DecimalScalar = new GraphQLScalarType({
  name: 'Decimal',
  description: 'Exact decimal number as a string, e.g. "1234.50".',
  serialize: (v) => v,
  parseValue: parseDecimal,
  parseLiteral: (ast) => parseDecimal(literal(ast)),
});

export const SCALARS = { USCC: USCCScalar, Date: DateScalar, DateTime: DateTimeScalar, Decimal: DecimalScalar };
