import type { Department } from '../config';
import { MalformedRecordError } from '../errors';
import type { LegacyCall, LegacyClient } from './LegacyClient';

/**
 * Answers checked at the door (STYLE.md): each adapter's parser turns every record of an answer
 * into a validated, normalized value or refuses it, before anything can be cached. A refused
 * record is the department's failure — counted by the breaker, logged with its identifier, never
 * cached — but only for the subject it is about: one bad record among 100 does not take the
 * other 99 subjects' sections down with it.
 */

/** What a parser made of an answer's records. */
export interface CheckedRecords<T> {
  records: T[];
  /** the refused records, each by the identifier its subject is looked up by */
  malformed: MalformedRecordError[];
}

/**
 * Reads each row with `read`, which throws to refuse it. Rows sharing an identifier form one
 * record (customs' rows per year, market's list entries per enterprise): one bad row refuses them
 * all. A row without a readable identifier makes the whole answer unusable (`identify` throws):
 * there is no subject to pin the failure on.
 */
export function checkRecords<T>(department: Department, rows: readonly unknown[], identify: (row: unknown) => string, read: (row: unknown) => T): CheckedRecords<T> {
  const accepted: { id: string; value: T }[] = [];
  const malformed = new Map<string, MalformedRecordError>();
  for (const row of rows) {
    const id = identify(row);
    try {
      accepted.push({ id, value: read(row) });
    } catch (e) {
      if (!malformed.has(id)) malformed.set(id, new MalformedRecordError(department, id, (e as Error).message));
    }
  }
  return { records: accepted.filter((r) => !malformed.has(r.id)).map((r) => r.value), malformed: [...malformed.values()] };
}

/**
 * Runs a call whose `parse` checks each record. When one is malformed the call still fails inside
 * LegacyClient — the breaker counts it, and it is not retried (asking again brings the same
 * record) — and the well-formed records come back beside the refused ones.
 */
export async function callChecked<T>(client: LegacyClient, call: LegacyCall<CheckedRecords<T>>): Promise<CheckedRecords<T>> {
  let refused: CheckedRecords<T> | undefined;
  try {
    return await client.call({
      ...call,
      parse: (response) => {
        const checked = call.parse(response);
        if (checked.malformed.length === 0) return checked;
        refused = checked;
        throw new Error(`${checked.malformed.length} malformed record(s): ${checked.malformed.map((m) => m.record).join(', ')}`);
      },
    });
  } catch (e) {
    if (refused) return refused;
    throw e;
  }
}

/** One page of a paged list: how many records the list holds, and this page's, checked. */
export interface CheckedPage<T> {
  total: number;
  records: CheckedRecords<T>;
}

/**
 * Every record of a paged list (market's 行政处罚, the courts' lists): the first page says how many
 * there are, the remaining pages are asked for together. All or nothing: a list missing one of its
 * entries would be wrong, not partial, so one malformed row fails the list with its record's error.
 */
export async function everyPage<T>(client: LegacyClient, pageSize: number, pageCall: (pageNo: number) => LegacyCall<CheckedPage<T>>): Promise<T[]> {
  let total = 0;
  const page = async (pageNo: number): Promise<T[]> => {
    const call = pageCall(pageNo);
    const { records, malformed } = await callChecked(client, {
      ...call,
      parse: (response) => {
        const parsed = call.parse(response);
        total = parsed.total;
        return parsed.records;
      },
    });
    if (malformed[0]) throw malformed[0];
    return records;
  };
  const first = await page(1);
  const pages = Math.ceil(total / pageSize);
  const rest = await Promise.all(Array.from({ length: Math.max(0, pages - 1) }, (_, i) => page(i + 2)));
  return [first, ...rest].flat();
}

/**
 * A batch's answer for the section loader: each accepted record under `key`, each refused one
 * under its own identifier, so that subject alone fails and the batch's others are served.
 */
export function keyedRecords<T, V = T>({ records, malformed }: CheckedRecords<T>, key: (record: T) => string, value: (record: T) => V = (r) => r as unknown as V): Map<string, V | MalformedRecordError> {
  const found = new Map<string, V | MalformedRecordError>(records.map((r) => [key(r), value(r)]));
  for (const error of malformed) found.set(error.record, error);
  return found;
}

/** Text of a JSON field, or the reason the record is refused. */
export function textField(row: unknown, field: string): string {
  const v = typeof row === 'object' && row !== null ? (row as Record<string, unknown>)[field] : undefined;
  if (typeof v !== 'string') throw new Error(`${field} is missing or not text`);
  return v;
}

/** a legacy value quoted for the log, short: never a whole body */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}
